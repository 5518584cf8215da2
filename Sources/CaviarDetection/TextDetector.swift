import CaviarCore

/// A detector that is code rather than a regex: dictionaries, person-name heuristics, learned
/// entities. The engine calls it on every segment it scans (a run of complete lines in
/// streaming mode, the whole text in document mode).
///
/// `text` is the engine's buffer; `range` is the part to report on. Bytes before
/// `range.lowerBound` (up to a few KiB, when available) are context only: use them to see a
/// greeting or a title, but report only detections that start inside `range`. Offsets are
/// absolute indices into `text`. Scanning never throws because of what the input says.
///
/// Detectors may keep state across calls (learned entities); calls come in input order, from
/// one thread.
public protocol TextDetector: AnyObject {
    /// Stable id, shown in reports (for example `names.person`).
    var id: String { get }
    /// Entity types this detector can report (for `--only`/`--except` and `patterns list`).
    var entities: [EntityType] { get }
    func detect(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, into results: inout [Detection])
}
