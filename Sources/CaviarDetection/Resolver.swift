import CaviarCore

/// The one place that decides overlaps.
///
/// Overlapping detections are **merged** (union of their spans) so that no fragment of a
/// sensitive value survives (`secret= user123@example72.com` must not become
/// `[API_KEY]@example72.com`). The merged span takes the entity, detector, confidence and
/// identity of the group's winner under this total order:
///
/// 1. higher `priority`;
/// 2. higher `confidence`;
/// 3. longer span;
/// 4. earlier start;
/// 5. detector id, then entity name (lexicographic) — so the result never depends on input order.
///
/// Touching spans (one ends where the next starts) are not merged.
public enum Resolver {
    /// Whether `a` beats `b` under the total order above.
    public static func wins(_ a: Detection, over b: Detection) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.confidence != b.confidence { return a.confidence > b.confidence }
        if a.span.count != b.span.count { return a.span.count > b.span.count }
        if a.span.lowerBound != b.span.lowerBound { return a.span.lowerBound < b.span.lowerBound }
        if a.detectorID != b.detectorID { return a.detectorID < b.detectorID }
        return a.entity.name < b.entity.name
    }

    /// Non-overlapping detections sorted by start.
    public static func resolve(_ detections: [Detection]) -> [Detection] {
        if detections.count <= 1 { return detections }
        let sorted = detections.sorted {
            $0.span.lowerBound != $1.span.lowerBound ? $0.span.lowerBound < $1.span.lowerBound
                : ($0.span.upperBound != $1.span.upperBound ? $0.span.upperBound > $1.span.upperBound : wins($0, over: $1))
        }
        var out: [Detection] = []
        out.reserveCapacity(sorted.count)
        var current = sorted[0]
        var winner = sorted[0]
        for d in sorted.dropFirst() {
            if d.span.lowerBound < current.span.upperBound {
                current.span = current.span.lowerBound..<max(current.span.upperBound, d.span.upperBound)
                if wins(d, over: winner) { winner = d }
            } else {
                out.append(merged(current.span, winner))
                current = d
                winner = d
            }
        }
        out.append(merged(current.span, winner))
        return out
    }

    static func merged(_ span: Range<Int>, _ winner: Detection) -> Detection {
        var d = winner
        if d.span != span {
            // The merged value is no longer the winner's alone: number it by its own bytes.
            d.identity = nil
        }
        d.span = span
        return d
    }
}
