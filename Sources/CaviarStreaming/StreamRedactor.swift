#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import CaviarDetection
import CaviarRedaction

/// Receives every resolved finding (scan reports, warnings, statistics). Values are not
/// included; the absolute byte offset, line and column are.
public protocol FindingSink: AnyObject {
    func found(_ finding: Finding, value: [UInt8], policy: DetectorPolicy, line: Int, column: Int)
    /// Whether findings of this policy are wanted at all (default: all). A sink that reports only
    /// some spares the driver the line and column of every other finding.
    func wantsFindings(policy: DetectorPolicy) -> Bool
}

extension FindingSink {
    public func wantsFindings(policy: DetectorPolicy) -> Bool { true }
}

/// Wraps the numbering of each emitted region (a session saves its new mappings once per region
/// and the region is written only after the save succeeded).
public protocol NumberingTransaction: AnyObject {
    /// Placeholder-shaped text already in the input keeps its number reserved.
    func reserve(in text: [UInt8]) throws
    func perform(_ body: () throws -> Void) throws
}

/// The streaming driver: reads chunks, scans up to the safe point, replaces, writes, and keeps
/// only an unfinished tail plus a little left context. Memory is bounded by the longest line
/// limit plus the hold-back limit, independent of input size.
public final class StreamRedactor {
    public let engine: DetectionEngine
    public let redactor: Redactor
    let sink: (any ByteSink)?
    public weak var findings: (any FindingSink)?
    /// When set, replacements of each region are computed inside one transaction.
    public var numbering: (any NumberingTransaction)?
    let policies: [String: DetectorPolicy]
    /// `policies` for the look-ups of every detection.
    let policyTable: PolicyTable

    /// A line longer than this is finalised piecewise (partial matching at the cut).
    public var maxLine = 256 << 10
    /// A candidate still open after this many bytes is an error (fail closed).
    public var holdLimit = 4 << 20

    var buffer: [UInt8] = []
    /// Absolute offset of `buffer[0]`.
    var base = 0
    /// Index in `buffer` of the first byte not yet written.
    var pos = 0
    var line = 1
    var lineStart = 0
    public private(set) var findingCount = 0
    /// Keep line numbers even without a finding sink (for block messages).
    let tracksLines: Bool

    /// - Parameter sink: nil for scan-only runs (nothing is written).
    public init(engine: DetectionEngine, redactor: Redactor, sink: (any ByteSink)?) {
        self.engine = engine
        self.redactor = redactor
        self.sink = sink
        var p: [String: DetectorPolicy] = [:]
        for d in engine.detectors { p[d.id] = d.policy }
        policies = p
        policyTable = PolicyTable(p)
        tracksLines = p.values.contains(.block)
    }

    /// Adds input and processes what is safe.
    public func feed(_ bytes: [UInt8]) throws {
        buffer += bytes
        try step(isFinal: false)
    }

    /// Processes everything left (end of input) and finishes the sink.
    public func finish() throws {
        try step(isFinal: true)
        try sink?.finish()
    }

    /// Reads `fd` to the end with `read(2)`, processing each chunk as it arrives. Each chunk
    /// costs a scan's fixed work (the partial matching of multi-line detectors at its end, the
    /// trigger bookkeeping), so chunks are large: 256 KiB at first, then up to `chunkSize` once a
    /// read has filled a whole chunk (a short input does not pay for a large buffer). A pipe
    /// returns at most what its buffer holds (64 KiB on Linux) per read, so the chunk is filled by
    /// further reads while more input is already waiting (`poll` with no timeout); an interactive
    /// pipe, which pauses after each line, is still processed line by line as it arrives.
    public func run(fd: Int32, chunkSize: Int = 512 << 10) throws {
        var chunk = min(chunkSize, 256 << 10)
        var atEnd = false
        while !atEnd {
            // Read straight into the buffer's tail: no chunk array copied in.
            let held = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            var filled = 0
            while filled < chunk {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + held + filled }, chunk - filled) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    buffer.removeLast(chunk - filled)
                    throw IOFailure("read", code: code)
                }
                if n == 0 { atEnd = true; break }
                filled += n
                if filled < chunk && !StreamRedactor.hasWaitingInput(fd) { break }
            }
            buffer.removeLast(chunk - filled)
            if filled == chunk { chunk = chunkSize }
            if filled > 0 { try step(isFinal: false) }
        }
        try finish()
    }

    /// Whether a read of `fd` would return at once (data waiting, or the end of the input).
    static func hasWaitingInput(_ fd: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) == 1 && p.revents & Int16(POLLIN | POLLHUP) != 0
    }

    /// End of the longest prefix of `buffer[from..<end]` that does not stop inside a UTF-8 sequence.
    static func utf8SafeEnd(_ buf: [UInt8], from: Int) -> Int {
        let end = buf.count
        var i = end
        var back = 0
        while i > from && back < 3 {
            let b = buf[i - 1]
            if b & 0xC0 == 0x80 { i -= 1; back += 1; continue }
            if b >= 0xC0 {
                let need = b >= 0xF0 ? 4 : (b >= 0xE0 ? 3 : 2)
                return (end - (i - 1)) < need ? i - 1 : end
            }
            return end
        }
        return end
    }

    func step(isFinal: Bool) throws {
        while true {
            let end = isFinal ? buffer.count : StreamRedactor.utf8SafeEnd(buffer, from: pos)
            if pos >= end { return }
            var segmentEnd = end
            var isLongLine = false
            if !isFinal {
                var nl = end
                let from = pos
                buffer.withUnsafeBufferPointer { p in
                    var i = end
                    while i > from { i -= 1; if p[i] == 10 { nl = i + 1; break } }
                }
                if nl < end || (end > pos && buffer[end - 1] == 10) {
                    segmentEnd = nl
                } else if end - pos >= maxLine {
                    isLongLine = true
                } else {
                    return
                }
            }
            let scan = try buffer.withUnsafeBufferPointer { all in
                try engine.scan(UnsafeBufferPointer(rebasing: all[0..<end]), from: pos, segmentEnd: segmentEnd,
                                isFinal: isFinal, isLongLine: isLongLine)
            }
            let hold = scan.hold
            if hold <= pos {
                if isFinal { return }
                if end - pos > holdLimit {
                    throw HoldLimitExceeded(detectorID: "stream", offset: base + pos)
                }
                return
            }
            try emit(scan.detections, upTo: hold)
            compact()
            if isFinal && pos >= buffer.count { return }
            if !isFinal { return }
        }
    }

    /// Detections are read in place, by index, wherever the loop does not keep them: iterating
    /// an array of them copies each (three counted references, retained and released), and
    /// the filter, the block check, the policies, the replacements and the output each did.
    func emit(_ raw: [Detection], upTo hold: Int) throws {
        let threshold = engine.minConfidence
        let isAnyBelow = raw.withUnsafeBufferPointer { p in p.indices.contains { p[$0].confidence < threshold } }
        let candidates = isAnyBelow ? raw.filter { $0.confidence >= threshold } : raw
        var cursorPosition = LineCursor(line: line, lineStart: lineStart - base, scanned: pos)
        // `tracksLines`: some detector blocks. The first blocking candidate by start (the
        // earliest found among equal starts) is the one reported; the resolver sorts for itself.
        if tracksLines {
            let first = candidates.withUnsafeBufferPointer { p -> Int? in
                var first: Int?
                for i in p.indices where policyTable.policy(of: p[i].detectorID) == .block {
                    if first.map({ p[i].span.lowerBound < p[$0].span.lowerBound }) ?? true { first = i }
                }
                return first
            }
            if let first {
                let d = candidates[first]
                let (l, c) = buffer.withUnsafeBufferPointer { cursorPosition.advance(to: d.span.lowerBound, in: $0) }
                throw PolicyRefusal(reason: "\(d.entity.name) found by \(d.detectorID) (policy: block)", location: "line \(l), column \(c)")
            }
        }
        let resolved = Resolver.resolve(candidates)
        // Each detection's policy, looked up once.
        let policyOf = resolved.withUnsafeBufferPointer { p in p.indices.map { policyTable.policy(of: p[$0].detectorID) } }
        // The replacements end to end, detection `i`'s ending at `replacementEnds[i]`.
        var replacements: [UInt8] = []
        var replacementEnds: [Int] = []
        replacementEnds.reserveCapacity(resolved.count)
        let computeReplacements = {
            if let numbering = self.numbering {
                try numbering.reserve(in: Array(self.buffer[self.pos..<hold]))
            }
            let text = self.buffer
            try resolved.withUnsafeBufferPointer { detections in
                try text.withUnsafeBufferPointer { p in
                    for i in detections.indices {
                        let value = UnsafeBufferPointer(rebasing: p[detections[i].span])
                        switch policyOf[i] {
                        case .redact, .block: try self.redactor.appendReplacement(for: detections[i], value: value, to: &replacements)
                        case .warn, .keep: replacements.append(contentsOf: value)
                        }
                        replacementEnds.append(replacements.count)
                    }
                }
            }
        }
        if let numbering { try numbering.perform(computeReplacements) } else { try computeReplacements() }
        var out: [UInt8] = []
        let writes = sink != nil
        if writes { out.reserveCapacity(hold - pos + 64) }
        var cursor = pos
        let findings = self.findings
        var redactions = 0
        resolved.withUnsafeBufferPointer { detections in
            buffer.withUnsafeBufferPointer { p in
                for i in detections.indices {
                    let span = detections[i].span
                    let policy = policyOf[i]
                    let replacement = (i == 0 ? 0 : replacementEnds[i - 1])..<replacementEnds[i]
                    if let findings, findings.wantsFindings(policy: policy) {
                        let d = detections[i]
                        let (l, c) = cursorPosition.advance(to: span.lowerBound, in: p)
                        let absolute = (base + span.lowerBound)..<(base + span.upperBound)
                        findings.found(Finding(entity: d.entity, detectorID: d.detectorID, span: absolute, confidence: d.confidence,
                                               replacement: Array(replacements[replacement])), value: Array(UnsafeBufferPointer(rebasing: p[span])),
                                       policy: policy, line: l, column: c)
                    }
                    if policy == .redact || policy == .block { redactions += 1 }
                    if writes {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[cursor..<span.lowerBound]))
                        replacements.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[replacement])) }
                    }
                    cursor = span.upperBound
                }
                if writes { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[cursor..<hold])) }
            }
        }
        findingCount += redactions
        if let sink { try sink.write(out) }
        advanceLines(to: hold)
        pos = hold
    }

    func advanceLines(to hold: Int) {
        guard findings != nil || tracksLines else { return }
        var l = line, ls = lineStart
        let b = base
        buffer.withUnsafeBufferPointer { p in
            guard let start = p.baseAddress else { return }
            var j = pos
            while j < hold, let found = memchr(start + j, 10, hold - j) {
                let k = start.distance(to: found.assumingMemoryBound(to: UInt8.self))
                l += 1
                ls = b + k + 1
                j = k + 1
            }
        }
        line = l
        lineStart = ls
    }

    func compact() {
        let keep = engine.leftContext
        if pos > keep * 2 && pos > 64 << 10 {
            let drop = pos - keep
            buffer.removeFirst(drop)
            base += drop
            pos -= drop
        }
    }
}

/// The detectors' policies, for looking one up per detection: only the few that are not
/// `redact` are kept, by the length of their id, so that most look-ups compare nothing and the
/// rest compare an id or two (an id is the detector's own string, equal at the first word).
/// Hashing the id of every detection in a dictionary, twice with a blocking detector loaded,
/// was a fortieth of all redaction time on the bench corpus.
struct PolicyTable {
    private var byLength: [[(id: String, policy: DetectorPolicy)]] = []

    init(_ policies: [String: DetectorPolicy]) {
        for (id, policy) in policies where policy != .redact {
            let n = id.utf8.count
            if byLength.count <= n { byLength += Array(repeating: [], count: n + 1 - byLength.count) }
            byLength[n].append((id, policy))
        }
    }

    /// The policy of the detector `id` (`redact` for one that is not listed).
    @inline(__always) func policy(of id: String) -> DetectorPolicy {
        let n = id.utf8.count
        guard n < byLength.count else { return .redact }
        for entry in byLength[n] where entry.id == id { return entry.policy }
        return .redact
    }
}

/// Walks forward through the buffer once per emitted region to give line and column numbers
/// (1-based; columns count characters) without rescanning from the region start per finding.
struct LineCursor {
    var line: Int
    /// Buffer index of the current line's first byte (may be negative when it was compacted away).
    var lineStart: Int
    var scanned: Int

    /// Column bookkeeping: characters counted up to `columnAt` on the current line.
    var columnAt = Int.min
    var column = 1

    mutating func advance(to i: Int, in p: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        if scanned < i, let start = p.baseAddress {
            while scanned < i, let found = memchr(start + scanned, 10, i - scanned) {
                let k = start.distance(to: found.assumingMemoryBound(to: UInt8.self))
                line += 1
                lineStart = k + 1
                scanned = k + 1
            }
            scanned = max(scanned, i)
        }
        // Columns are counted incrementally along the line (findings come in order).
        if columnAt < lineStart || columnAt > i {
            columnAt = max(lineStart, 0)
            column = 1
        }
        while columnAt < i { if p[columnAt] & 0xC0 != 0x80 { column += 1 }; columnAt += 1 }
        return (line, column)
    }
}
