extension DictionaryAutomaton {
    /// Original bytes folded per chunk (the folder's memory stays about 5× this).
    static let chunkSize = 1 << 16

    /// Reports every match that starts in `range`, in order, non-overlapping.
    ///
    /// Semantics: the input is folded with `TextFolding`; a match starts at a word start (a word
    /// byte after a non-word byte or at the start of `text`) and ends at a word end (before a
    /// non-word byte or at the end of `text`); at each word start the longest term wins, and the
    /// scan continues after it (leftmost-longest). Bytes of `text` before `range` are read only
    /// to decide whether `range.lowerBound` is inside a word; a match may extend past
    /// `range.upperBound`. Spans are original byte offsets.
    ///
    /// `folder` is scratch space (reuse one per thread). Never fails on any input.
    public func matches(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, folder: TextFolder, _ report: (DictionaryMatch) -> Void) {
        let range = range.clamped(to: 0..<text.count)
        guard !range.isEmpty else { return }
        var position = range.lowerBound
        var previous = foldedByteBefore(position, in: text, folder: folder)
        let reach = maxDepth + 1
        let word = UnsafeBufferPointer(start: TextFolding.wordPointer, count: 256)
        while position < range.upperBound {
            folder.reset(base: position, previous: previous)
            let window = min(Self.chunkSize, range.upperBound - position + 4 * reach + 64)
            var end = min(text.count, position + window)
            var stop = folder.fold(text, from: position, to: end, isFinal: end == text.count)
            while stop < text.count && folder.count < reach + 8 {
                end = min(text.count, end + Self.chunkSize)
                stop = folder.fold(text, from: stop, to: end, isFinal: end == text.count)
            }
            let isLast = stop == text.count
            let count = folder.count
            let limit = isLast ? count : count - reach
            let folded = folder.folded
            let starts = folder.starts
            let startCount = folder.startCount
            var index = 0          // folded index scanned up to (end of the last match)
            var next = 0           // next word start to try
            var finished = false
            do {
                while next < startCount {
                    let start = Int(starts[next])
                    if start < index {
                        next += 1
                        continue
                    }
                    index = start
                    if start >= limit { break }
                    if folder.origin(start) >= range.upperBound {
                        finished = true
                        break
                    }
                    let found = isHashed
                        ? walkHashed(folded, from: start, count: count, isLast: isLast, word: word)
                        : walkTrie(folded, from: start, count: count, isLast: isLast, word: word)
                    if found.end > 0 {
                        let spanEnd = found.end < count ? folder.origin(found.end) : stop
                        report(DictionaryMatch(span: folder.origin(start)..<spanEnd, valueIndex: found.value))
                        index = found.end
                    }
                    next += 1
                }
                if next >= startCount { index = count }
            }
            if finished || isLast { return }
            if index >= count {
                position = stop
                previous = folder.previous
            } else {
                // Resume at the first folded byte of the code point that produced `index`.
                var resume = index
                while resume > 0 && folder.origin(resume - 1) == folder.origin(index) { resume -= 1 }
                position = folder.origin(resume)
                previous = resume > 0 ? folded[resume - 1] : previous
            }
        }
    }

    /// Convenience: all matches in a byte array.
    public func matches(in text: [UInt8]) -> [DictionaryMatch] {
        var result: [DictionaryMatch] = []
        let folder = TextFolder(capacity: 1 << 12)
        text.withUnsafeBufferPointer { buffer in
            matches(in: buffer, range: 0..<buffer.count, folder: folder) { result.append($0) }
        }
        return result
    }

    /// The folded byte just before `position` (a space at the start of the text).
    func foldedByteBefore(_ position: Int, in text: UnsafeBufferPointer<UInt8>, folder: TextFolder) -> UInt8 {
        guard position > 0 else { return 0x20 }
        var start = max(0, position - 16)
        while start < position && text[start] & 0xC0 == 0x80 && start > 0 && position - start < 16 { start += 1 }
        folder.reset(base: start)
        folder.fold(text, from: start, to: position, isFinal: true)
        return folder.previous
    }

    /// The longest term starting at `start` and ending at a word end: (end, value), end 0 if none.
    @inline(__always)
    func walkTrie(_ folded: UnsafeMutablePointer<UInt8>, from start: Int, count: Int, isLast: Bool, word: UnsafeBufferPointer<UInt8>) -> (end: Int, value: Int) {
        let first = Int(folded[start])
        var node = Int(root[first])
        guard node != 0, node < nodeCount else { return (0, 0) }
        var index = start + 1
        var best = (end: 0, value: 0)
        let nodeCount = self.nodeCount
        while true {
            let record = nodes[node]
            let value = Int(truncatingIfNeeded: record >> 40)
            if value != 0 {
                let isWordEnd = index < count ? word[Int(folded[index])] == 0 : isLast
                if isWordEnd && value <= valueCount { best = (index, value - 1) }
            }
            guard index < count else { break }
            let childCount = Int(truncatingIfNeeded: (record >> 32) & 0xFF)
            guard childCount != 0 else { break }
            let byte = folded[index]
            if index == start + 1 {
                // Dense table for the second byte.
                let next = Int(pairs[first << 8 | Int(byte)])
                guard next != 0, next < nodeCount else { break }
                node = next
                index += 1
                continue
            }
            let block = Int(truncatingIfNeeded: record & 0xFFFF_FFFF)
            let labelWords = (childCount + 7) >> 3
            guard block + labelWords + childCount <= nodeCount else { break }
            let labels = UnsafeRawPointer(nodes + block).assumingMemoryBound(to: UInt8.self)
            var child = 0
            if childCount <= 8 {
                while child < childCount && labels[child] < byte { child += 1 }
            } else {
                var upper = childCount
                while child < upper {
                    let middle = (child + upper) >> 1
                    if labels[middle] < byte { child = middle + 1 } else { upper = middle }
                }
            }
            guard child < childCount, labels[child] == byte else { break }
            node = block + labelWords + child
            index += 1
        }
        return best
    }

    /// Hashed mode: hash the word n-grams starting at `start`, longest known one wins.
    @inline(__always)
    func walkHashed(_ folded: UnsafeMutablePointer<UInt8>, from start: Int, count: Int, isLast: Bool, word: UnsafeBufferPointer<UInt8>) -> (end: Int, value: Int) {
        guard let key else { return (0, 0) }
        let mask = nodeCount - 1
        var best = (end: 0, value: 0)
        var end = start
        while true {
            while end < count && word[Int(folded[end])] != 0 { end += 1 }
            if end - start > maxDepth || (end == count && !isLast) { break }
            let hash = DictionaryBuilder.hash(UnsafeBufferPointer(start: folded + start, count: end - start), key: key)
            var slot = Int(truncatingIfNeeded: hash) & mask
            var probes = 0
            while slotHashes[slot] != hash && slotHashes[slot] != 0 && probes <= mask {
                slot = (slot + 1) & mask
                probes += 1
            }
            guard slotHashes[slot] == hash else { break }
            let value = Int(slotValues[slot])
            if value != 0 && value <= valueCount { best = (end, value - 1) }
            while end < count && word[Int(folded[end])] == 0 { end += 1 }
            if end >= count { break }
        }
        return best
    }
}
