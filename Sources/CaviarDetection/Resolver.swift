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
    /// Sorts positions rather than detections (the same stable sort, so the same order): a
    /// detection holds three counted references, and moving and copying them through the sort
    /// and the merge retained and released each several times per detection. Only the winners
    /// are copied out.
    public static func resolve(_ detections: [Detection]) -> [Detection] {
        if detections.count <= 1 { return detections }
        return detections.withUnsafeBufferPointer { d in
            var order = Array(0..<Int32(d.count))
            order.sort {
                let a = d[Int($0)].span, b = d[Int($1)].span
                return a.lowerBound != b.lowerBound ? a.lowerBound < b.lowerBound
                    : (a.upperBound != b.upperBound ? a.upperBound > b.upperBound : wins(d[Int($0)], over: d[Int($1)]))
            }
            var out: [Detection] = []
            out.reserveCapacity(d.count)
            var span = d[Int(order[0])].span
            var winner = Int(order[0])
            for k in order.dropFirst() {
                let i = Int(k)
                if d[i].span.lowerBound < span.upperBound {
                    span = span.lowerBound..<max(span.upperBound, d[i].span.upperBound)
                    if wins(d[i], over: d[winner]) { winner = i }
                } else {
                    out.append(merged(span, d, winner))
                    span = d[i].span
                    winner = i
                }
            }
            out.append(merged(span, d, winner))
            return out
        }
    }

    /// The winner `d[winner]` over `span` (copied once, here).
    static func merged(_ span: Range<Int>, _ d: UnsafeBufferPointer<Detection>, _ winner: Int) -> Detection {
        merged(span, d[winner])
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
