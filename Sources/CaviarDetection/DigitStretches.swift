// Which lengths of maximal ASCII-digit stretches a regex match can contain: an abstract
// interpretation of a PCRE2 pattern, used to skip detectors on digit runs they cannot match;
// and whether a pattern's matches always start their digits on an "initial" stretch (one not
// right after digit + tight separator), so later stretches of a run cannot wake it.

/// Which lengths of maximal ASCII-digit stretches a match of a regex can contain.
///
/// A *stretch* is a maximal run of ASCII digits `[0-9]` in the subject (the characters just
/// outside the match count: `12` matched by `\d{2}` inside `12345` lies in a stretch of 5).
/// "Subject" is the buffer PCRE2 is given: the subject start counts as a non-digit (as `^` and
/// `(?<!\d)` see it), so callers measure stretches within that same buffer.
///
/// Method (sound over-approximation). The pattern is parsed into a small AST (PCRE2 subset,
/// options `UTF | MATCH_INVALID_UTF`, optionally `CASELESS`, never `UCP`); anything not modelled
/// makes the analysis give up (`nil`): back-references to groups that may hold digits,
/// subroutines, recursion, conditionals, `\K`, `\Q…\E`, verbs, callouts, `\X`, `\C`, `(?xx)`,
/// `{,n}`-style braces. `(?x)` white space and comments are skipped with PCRE2's scoping.
/// Every consuming atom is reduced to two booleans: may it
/// consume an ASCII digit, may it consume anything else (a non-ASCII digit counts as "else").
/// Case folding never turns a non-digit into an ASCII digit or back, so `(?i)` is irrelevant.
/// The analysis runs over every path of the AST, ignoring greediness, possessiveness, atomic
/// groups and every assertion it does not model: a real match is one of these paths, so the
/// set of paths only grows. The abstract state before each character of a path is
///   `Z` = the previous character is a non-digit (or the subject start),
///   `E(c)` = the last c consumed characters are digits and the one before them is a non-digit,
///   `P(c)` = the last c consumed characters are digits, the stretch may extend further left,
///   `U` = match start, nothing known about the previous character,
/// plus a flag `nn` = "the next character is known to be a non-digit (or the subject end)".
/// Consuming a digit: Z→E1, E(c)→E(c+1), P(c)→P(c+1), U→P1 (c capped at 63, bit 63 = "63+");
/// infeasible under `nn`. Consuming a non-digit closes an open stretch, emitting c for E(c) and
/// c…63 for P(c), then Z. At the match end an open E(c) emits c if `nn`, else c…63 (the stretch may
/// continue past the match); P(c) emits c…63. Assertions only remove paths or add facts that are
/// implied: `(?<!X)` with a branch of X that is one atom matching all of 0-9, `(?<=X)` whose last
/// character cannot be a digit, `^`/`\A`: previous is a non-digit (U→Z, open stretches dropped).
/// `(?!X)` with a branch that is one atom (or one atom `+` / `{1,m}`) matching all of 0-9,
/// `(?=X)` whose first character cannot be a digit, `$ \z \Z`: sets `nn`. `\b` after a digit
/// sets `nn` (next is a non-word char); `\b` at U gives Z (if a digit follows, the char before is
/// a non-word char; if not, U and Z behave alike). A back-reference to a group that cannot
/// consume a digit consumes zero or more non-digits; any other back-reference gives up.
/// Alternation is a union, repetition iterates to a fixpoint (the state space is finite), and
/// the mask is the union of everything emitted on every path.
public enum DigitStretches {
    /// Bit k (1...63) set: some match may contain a maximal stretch of exactly k ASCII digits
    /// (maximal in the subject, i.e. the characters just outside the match count too);
    /// bit 63 also stands for "63 or more". Bit 0 is never set.
    /// nil: the pattern uses something the analysis does not model (no filtering then).
    public static func mask(ofPattern source: String) -> UInt64? {
        var parser = StretchParser(source)
        guard let root = parser.parse() else { return nil }
        var analyzer = StretchAnalyzer(groups: parser.groups)
        if parser.usesBackreference && !parser.numberingIsPlain { return nil }
        guard let end = analyzer.run(root, StateSet.single(StateSet.unknown)) else { return nil }
        var mask = analyzer.emitted
        end.forEach { mask |= StretchAnalyzer.endEmission($0) }
        return mask & ~1
    }

    /// OR of the patterns' masks; nil if any is nil.
    public static func mask(ofPatterns sources: [String]) -> UInt64? {
        var union: UInt64 = 0
        for s in sources {
            guard let m = DigitStretches.mask(ofPattern: s) else { return nil }
            union |= m
        }
        return union
    }
}

/// Left isolation: whether a match can start its digits right after "digit + tight separator".
///
/// T (the tight separators) = U+0020, U+00A0, U+202F, U+2009, `.`, `-`, `/`. A stretch is
/// *initial* unless the character just before it is in T and the one before that is an ASCII
/// digit. A pattern is *left-isolated* if in every match the stretch of the match's first digit
/// (measured in the whole subject) is initial; a prefilter may then ignore a run's non-initial
/// stretches for it. Matches without a digit do not matter. "Subject" is the buffer PCRE2 is
/// given (lookbehinds see nothing before it), so callers classify stretches in that same buffer.
///
/// Rule (syntactic, sound, false when unsure). A root alternation needs every branch isolated.
/// The walk follows every path from the match start to its first consumed atom (through groups,
/// alternations, repetitions; an optional or `{0,}` item lets the next one be first), collecting
/// facts from the zero-width items on the way, all of which hold at the match start:
///   (a) the previous character is not a digit: `(?<!X)` with a branch of one atom covering 0-9,
///       a positive lookbehind whose last character cannot be a digit, `^`, `\A`;
///   (b_t) for each t in T, the previous two characters are not digit + t: `(?<!X)` with a branch
///       of one atom surely matching t, or of two atoms (all of 0-9, then surely t); `^` and
///       `\A` give every (b_t) (the previous character is a newline or nothing).
/// Other assertions are ignored (they only remove matches); a back-reference before the first
/// atom gives false. The first atom must be unable to match any t in T, and if it can match an
/// ASCII digit, (a) and all seven (b_t) must hold. The first character c (at p) is then
///   (i) a digit: by (a) the first digit's stretch S starts at p; if the character at p-1 is some
///       t in T, (b_t) says the one at p-2 is not a digit, so S is initial;
///   (ii) not a digit (nor in T): the first digit is at some q > p, so S starts within the match
///       at s > p and the characters from p to s-1 are non-digits. If the one at s-1 is in T,
///       then s-1 > p (c is not in T), so the one at s-2 is inside the match and is not a
///       digit: S is initial.
/// So digits-only atoms need all facts, letters / `#` / `:` need none, `\w` and `[A-Z0-9]` need
/// all facts, and an atom that may match a separator (`.`, `\D`, `[ .]`, …) gives false. Char sets
/// know per separator whether an atom may / surely matches it; only "surely" proves (b_t).
extension DigitStretches {
    /// The tight separators T, in the bit order of `StretchCharSet.separatorsSome/All`.
    static let tightSeparators: [UInt32] = [0x20, 0xA0, 0x202F, 0x2009, 0x2E, 0x2D, 0x2F]

    /// Whether every match of the pattern starts its first digit stretch on an initial stretch
    /// (see the definition above); false when unsure or when the pattern is not modelled.
    public static func isLeftIsolated(pattern source: String) -> Bool {
        var parser = StretchParser(source)
        guard let root = parser.parse() else { return false }
        for branch in StretchNode.branches(root) {
            guard branch.leftIsolation(LeftFacts(prevNonDigit: false, notDigitThen: 0)).ok else { return false }
        }
        return true
    }

    /// All of them; false if any is not (or the list is empty).
    public static func isLeftIsolated(patterns sources: [String]) -> Bool {
        !sources.isEmpty && sources.allSatisfy { isLeftIsolated(pattern: $0) }
    }
}

/// What the zero-width items before the first consumed character prove about the characters
/// before the match start: (a) `prevNonDigit`; (b_t) bit t of `notDigitThen` (t indexes
/// `DigitStretches.tightSeparators`): the previous two characters are not digit + t.
struct LeftFacts: Equatable {
    var prevNonDigit: Bool
    var notDigitThen: UInt8

    static let all = LeftFacts(prevNonDigit: true, notDigitThen: StretchCharSet.allSeparators)

    func merged(_ o: LeftFacts) -> LeftFacts {
        LeftFacts(prevNonDigit: prevNonDigit || o.prevNonDigit, notDigitThen: notDigitThen | o.notDigitThen)
    }

    func common(_ o: LeftFacts) -> LeftFacts {
        LeftFacts(prevNonDigit: prevNonDigit && o.prevNonDigit, notDigitThen: notDigitThen & o.notDigitThen)
    }

    /// Whether an atom may come first under these facts: it never matches a tight separator, and
    /// if it may match a digit, (a) and every (b_t) hold (cases (i) and (ii) of the rule, per
    /// character the atom consumes).
    func admitsFirst(_ s: StretchCharSet) -> Bool {
        guard s.separatorsSome == 0 else { return false }
        return !s.canDigit || (prevNonDigit && notDigitThen == StretchCharSet.allSeparators)
    }
}

extension StretchNode {
    /// Left-isolation walk from facts `facts`: `ok` = every path's first consumed atom is admitted
    /// under the facts in force there; `passThrough` = the facts holding after the node on the
    /// paths that consume nothing (nil if every path consumes).
    func leftIsolation(_ facts: LeftFacts) -> (ok: Bool, passThrough: LeftFacts?) {
        switch self {
        case .atom(let s): return (facts.admitsFirst(s), nil)
        case .empty, .noOp, .nextNonDigit, .wordBoundary: return (true, facts)
        case .prevNonDigit: return (true, facts.merged(LeftFacts(prevNonDigit: true, notDigitThen: 0)))
        case .behind(let f): return (true, facts.merged(f))
        case .backreference: return (false, nil)
        case .seq(let items):
            var cur = facts
            for item in items {
                let r = item.leftIsolation(cur)
                guard r.ok else { return (false, nil) }
                guard let next = r.passThrough else { return (true, nil) }
                cur = next
            }
            return (true, cur)
        case .alt(let bs):
            var through: LeftFacts?
            for b in bs {
                let r = b.leftIsolation(facts)
                guard r.ok else { return (false, nil) }
                if let p = r.passThrough { through = through.map { $0.common(p) } ?? p }
            }
            return (true, through)
        case .repeated(let inner, let lo, let hi):
            if hi == 0 { return (true, facts) }
            // Later iterations start after empty ones, with at least these facts (facts only grow).
            let r = inner.leftIsolation(facts)
            guard r.ok else { return (false, nil) }
            return (true, lo == 0 ? facts : r.passThrough)
        }
    }
}

/// What a one-character atom can match: ASCII digits as two 10-bit masks (surely / maybe),
/// everything else as two booleans (maybe some / surely all), and the seven tight separators
/// (`DigitStretches.tightSeparators`) as two 7-bit masks (maybe / surely). Every constant and
/// operation keeps `…Some` a superset and `…All` a subset of the truth (union ORs both, negation
/// swaps them complemented), so "surely matches" is never over-claimed.
struct StretchCharSet: Equatable {
    static let allDigits: UInt16 = 0x3FF
    static let allSeparators: UInt8 = 0x7F
    /// Space, NBSP, narrow NBSP, thin space: what `\h` matches among the tight separators.
    static let spaceSeparators: UInt8 = 0x0F
    var digitsSome: UInt16
    var digitsAll: UInt16
    var otherSome: Bool
    var otherAll: Bool
    var separatorsSome: UInt8 = allSeparators
    var separatorsAll: UInt8 = 0

    static let nothing = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: false, otherAll: false, separatorsSome: 0, separatorsAll: 0)
    static let everything = StretchCharSet(digitsSome: allDigits, digitsAll: allDigits, otherSome: true, otherAll: true,
                                           separatorsSome: allSeparators, separatorsAll: allSeparators)
    /// Unknown: may match anything, surely matches nothing.
    static let unknown = StretchCharSet(digitsSome: allDigits, digitsAll: 0, otherSome: true, otherAll: false)
    static let digits = StretchCharSet(digitsSome: allDigits, digitsAll: allDigits, otherSome: false, otherAll: false,
                                       separatorsSome: 0, separatorsAll: 0)
    /// `\D`: every non-digit, so every separator.
    static let nonDigits = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: true, otherAll: true,
                                          separatorsSome: allSeparators, separatorsAll: allSeparators)
    /// Some non-digits only (letters, spaces, punctuation, …); separators unknown.
    static let someOther = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: true, otherAll: false)
    /// Some non-digits, none of them a tight separator (letters, marks, `\v`).
    static let lettersLike = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: true, otherAll: false,
                                            separatorsSome: 0, separatorsAll: 0)
    /// All digits and some other characters (`\S`, `\p{Xan}`, …); separators unknown.
    static let digitsAndSomeOther = StretchCharSet(digitsSome: allDigits, digitsAll: allDigits, otherSome: true, otherAll: false)
    /// All digits and some other characters, no tight separator (`\w`, `\p{N}`, `[[:alnum:]]`).
    static let alnumLike = StretchCharSet(digitsSome: allDigits, digitsAll: allDigits, otherSome: true, otherAll: false,
                                          separatorsSome: 0, separatorsAll: 0)
    /// `.` and `\N`: everything but a newline, so every digit and every separator.
    static let dot = StretchCharSet(digitsSome: allDigits, digitsAll: allDigits, otherSome: true, otherAll: false,
                                    separatorsSome: allSeparators, separatorsAll: allSeparators)
    /// `\h` (PCRE2 lists U+0020, U+00A0, U+202F, U+2009 among its characters, with or without UCP).
    static let horizontalSpace = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: true, otherAll: false,
                                                separatorsSome: spaceSeparators, separatorsAll: spaceSeparators)
    /// `\s`: surely U+0020; whether it matches NBSP and friends depends on UCP and tables.
    static let whiteSpace = StretchCharSet(digitsSome: 0, digitsAll: 0, otherSome: true, otherAll: false,
                                           separatorsSome: allSeparators, separatorsAll: 1)

    static func range(_ lo: UInt32, _ hi: UInt32) -> StretchCharSet {
        guard lo <= hi else { return .nothing }
        var bits: UInt16 = 0
        for d in UInt32(48)...UInt32(57) where d >= lo && d <= hi { bits |= 1 << UInt16(d - 48) }
        var seps: UInt8 = 0
        for (k, t) in DigitStretches.tightSeparators.enumerated() where t >= lo && t <= hi { seps |= 1 << UInt8(k) }
        let other = lo < 48 || hi > 57
        return StretchCharSet(digitsSome: bits, digitsAll: bits, otherSome: other, otherAll: lo == 0 && hi >= 0x10FFFF,
                              separatorsSome: seps, separatorsAll: seps)
    }

    static func scalar(_ v: UInt32) -> StretchCharSet { range(v, v) }

    func union(_ o: StretchCharSet) -> StretchCharSet {
        StretchCharSet(digitsSome: digitsSome | o.digitsSome, digitsAll: digitsAll | o.digitsAll,
                       otherSome: otherSome || o.otherSome, otherAll: otherAll || o.otherAll,
                       separatorsSome: separatorsSome | o.separatorsSome, separatorsAll: separatorsAll | o.separatorsAll)
    }

    var negated: StretchCharSet {
        StretchCharSet(digitsSome: ~digitsAll & Self.allDigits, digitsAll: ~digitsSome & Self.allDigits,
                       otherSome: !otherAll, otherAll: !otherSome,
                       separatorsSome: ~separatorsAll & Self.allSeparators, separatorsAll: ~separatorsSome & Self.allSeparators)
    }

    /// Space, `.`, `-`, `/`: the tight separators of one UTF-8 byte.
    static let oneByteSeparators: UInt8 = 0x71

    /// The same set, claiming "surely" only for the one-byte separators.
    var surelyOneByteSeparatorsOnly: StretchCharSet {
        var r = self
        r.separatorsAll &= Self.oneByteSeparators
        return r
    }

    var canDigit: Bool { digitsSome != 0 }
    var canOther: Bool { otherSome }
    var coversAllDigits: Bool { digitsAll == Self.allDigits }
}

/// The pattern subset the analysis models.
indirect enum StretchNode {
    case empty
    case atom(StretchCharSet)
    case seq([StretchNode])
    case alt([StretchNode])
    case repeated(StretchNode, min: Int, max: Int?)
    case prevNonDigit
    /// A zero-width assertion on the characters before the current position (`^`, `\A`,
    /// negative lookbehinds), with what it proves; `prevNonDigit` facts act like `.prevNonDigit`.
    case behind(LeftFacts)
    case nextNonDigit
    case wordBoundary
    case backreference(Int)
    /// An assertion with no modelled consequence (`\B`, `\G`, most lookarounds).
    case noOp
}

/// Recursive-descent parser for the PCRE2 subset; nil from `parse()` = give up.
struct StretchParser {
    let chars: [UInt32]
    var i = 0
    var groups: [Int: StretchNode] = [:]
    var captureCount = 0
    var usesBackreference = false
    /// False once branch reset or `(?n)` makes group numbers harder than counting parentheses.
    var numberingIsPlain = true
    var failed = false
    /// `(?x)` in force: unescaped white space and `#` comments outside classes are ignored.
    var extended = false
    /// Set by a bare option setting such as `(?x)`, which lasts to the end of the enclosing group.
    var bareOptionSetting = false

    init(_ source: String) { chars = source.unicodeScalars.map(\.value) }

    var atEnd: Bool { i >= chars.count }
    func peek(_ k: Int = 0) -> UInt32? { i + k < chars.count ? chars[i + k] : nil }
    func isChar(_ k: Int, _ c: Character) -> Bool { peek(k) == c.unicodeScalars.first?.value }

    mutating func parse() -> StretchNode? {
        let node = parseAlternation()
        if failed || !atEnd { return nil }
        return node
    }

    mutating func parseAlternation() -> StretchNode {
        var branches = [parseSequence()]
        while !failed, isChar(0, "|") {
            i += 1
            branches.append(parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alt(branches)
    }

    mutating func parseSequence() -> StretchNode {
        var items: [StretchNode] = []
        while !failed {
            skipExtended()
            guard !failed, let c = peek(), c != 0x7C, c != 0x29 else { break }  // '|' ')'
            guard let atom = parseAtom() else { failed = true; break }
            guard let quantified = parseQuantifier(atom) else { failed = true; break }
            items.append(quantified)
        }
        return items.count == 1 ? items[0] : .seq(items)
    }

    /// Reads `{n}`, `{n,}`, `{n,m}` at `i` (pointing at `{`); nil if it is not one.
    func braceQuantifier() -> (min: Int, max: Int?, length: Int)? {
        var j = i + 1
        func number(_ j: inout Int) -> Int? {
            var v = 0, n = 0
            while j < chars.count, chars[j] >= 48, chars[j] <= 57 {
                v = min(v * 10 + Int(chars[j] - 48), 1_000_000); j += 1; n += 1
            }
            return n > 0 ? v : nil
        }
        guard let lo = number(&j) else { return nil }
        if j < chars.count, chars[j] == 0x7D { return (lo, lo, j + 1 - i) }
        guard j < chars.count, chars[j] == 0x2C else { return nil }
        j += 1
        if j < chars.count, chars[j] == 0x7D { return (lo, nil, j + 1 - i) }
        guard let hi = number(&j), j < chars.count, chars[j] == 0x7D, hi >= lo else { return nil }
        return (lo, hi, j + 1 - i)
    }

    mutating func parseQuantifier(_ atom: StretchNode) -> StretchNode? {
        var node = atom
        while true {
            if extended {
                // White space before a quantifier: PCRE2 versions differ, give up.
                let before = i
                skipExtended()
                if failed { return nil }
                if i != before, let q = peek(), q == 0x3F || q == 0x2A || q == 0x2B || q == 0x7B { return nil }
            }
            guard let c = peek() else { return node }
            var lo = 0, hi: Int? = nil
            if c == 0x3F { lo = 0; hi = 1; i += 1 }              // ?
            else if c == 0x2A { lo = 0; hi = nil; i += 1 }       // *
            else if c == 0x2B { lo = 1; hi = nil; i += 1 }       // +
            else if c == 0x7B {                                  // {
                if let q = braceQuantifier() { lo = q.min; hi = q.max; i += q.length }
                else if looksLikeLooseQuantifier() { return nil }
                else { return node }
            } else { return node }
            if isChar(0, "?") || isChar(0, "+") { i += 1 }      // lazy / possessive: same paths or fewer
            node = .repeated(node, min: lo, max: hi)
        }
        return node
    }

    /// `{,3}` or `{ 2 }` and similar: quantifiers in newer PCRE2, literals in older; give up.
    func looksLikeLooseQuantifier() -> Bool {
        var j = i + 1
        var sawDigit = false
        while j < chars.count, j < i + 24 {
            let c = chars[j]
            if c == 0x7D { return sawDigit }
            if c >= 48 && c <= 57 { sawDigit = true } else if c != 0x2C && c != 0x20 { return false }
            j += 1
        }
        return false
    }

    mutating func parseAtom() -> StretchNode? {
        guard let c = peek() else { return nil }
        switch c {
        case 0x28: return parseGroup()
        case 0x5B:
            i += 1
            return parseClass().map { .atom($0) }
        case 0x2E: i += 1; return .atom(.dot)                       // .
        case 0x5E: i += 1; return .behind(.all)                     // ^ (start or after a newline)
        case 0x24: i += 1; return .nextNonDigit                     // $ (end or before a newline)
        case 0x5C: return parseEscape()
        case 0x2A, 0x2B, 0x3F: return nil                           // quantifier without atom
        case 0x7B:
            if braceQuantifier() != nil || looksLikeLooseQuantifier() { return nil }
            i += 1; return .atom(.scalar(c))
        default: i += 1; return .atom(.scalar(c))
        }
    }

    mutating func parseGroup() -> StretchNode? {
        let saved = extended
        bareOptionSetting = false
        let node = parseGroupBody()
        if !bareOptionSetting { extended = saved }
        bareOptionSetting = false
        return node
    }

    /// Skips white space and `#` comments while `(?x)` is in force.
    mutating func skipExtended() {
        while extended, let c = peek() {
            if c == 0x20 || (c >= 9 && c <= 13 && c != 0x0D) || c == 0x85 || c == 0x200E || c == 0x200F || c == 0x2028 || c == 0x2029 {
                i += 1
            } else if c == 0x0D {
                failed = true; return                               // CR: newline conventions differ
            } else if c == 0x23 {                                   // # comment to the end of the line
                while let d = peek(), d != 0x0A {
                    if d == 0x0D || d == 0x85 || d == 0x2028 || d == 0x2029 { failed = true; return }
                    i += 1
                }
            } else {
                return
            }
        }
    }

    mutating func parseGroupBody() -> StretchNode? {
        i += 1  // (
        if isChar(0, "*") { return nil }                            // verbs, alpha assertions
        guard isChar(0, "?") else { return capture() }
        i += 1
        guard let c = peek() else { return nil }
        switch Character(Unicode.Scalar(c) ?? " ") {
        case ":": i += 1; return closeGroup(parseAlternation())
        case ">": i += 1; return closeGroup(parseAlternation())
        case "|":
            i += 1; numberingIsPlain = false
            return closeGroup(parseAlternation())
        case "=", "!":
            i += 1
            guard let inner = closeGroup(parseAlternation()) else { return nil }
            return c == 0x3D ? lookahead(inner) : negativeLookahead(inner)
        case "#":
            while let d = peek(), d != 0x29 { i += 1 }
            guard isChar(0, ")") else { return nil }
            i += 1; return .empty
        case "<":
            if isChar(1, "=") || isChar(1, "!") {
                let positive = isChar(1, "=")
                i += 2
                guard let inner = closeGroup(parseAlternation()) else { return nil }
                return positive ? lookbehind(inner) : negativeLookbehind(inner)
            }
            i += 1; return namedCapture(terminator: ">")
        case "'": i += 1; return namedCapture(terminator: "'")
        case "P":
            guard isChar(1, "<") else { return nil }                // (?P=name) (?P>name)
            i += 2; return namedCapture(terminator: ">")
        default: return optionGroup()
        }
    }

    mutating func capture() -> StretchNode? {
        captureCount += 1
        let number = captureCount
        guard let inner = closeGroup(parseAlternation()) else { return nil }
        groups[number] = inner
        return inner
    }

    mutating func namedCapture(terminator: Character) -> StretchNode? {
        while let c = peek(), c != terminator.unicodeScalars.first?.value {
            let ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
            guard ok else { return nil }
            i += 1
        }
        guard !atEnd else { return nil }
        i += 1
        return capture()
    }

    /// `(?i)`, `(?-i)`, `(?i:...)`, `(?^)`: only `x`/`xx` (changes parsing) gives up; `n` makes
    /// group numbering non-plain.
    mutating func optionGroup() -> StretchNode? {
        var negative = false
        var ext = extended
        while let c = peek() {
            switch c {
            case 0x29:                                              // (?x): to the end of the group
                i += 1
                extended = ext
                bareOptionSetting = true
                return .empty
            case 0x3A:                                              // (?x:...)
                i += 1
                extended = ext
                return closeGroup(parseAlternation())
            case 0x2D: negative = true
            case 0x5E: negative = false; ext = false
            case 0x78:                                              // x (xx: classes too, not modelled)
                if !negative && isChar(1, "x") { return nil }
                ext = !negative
            case 0x6E: numberingIsPlain = false                     // n
            case 0x69, 0x6D, 0x73, 0x55, 0x4A: break                // i m s U J
            default: return nil                                     // (?R) (?1) (?&n) (?(…) (?C…) …
            }
            i += 1
        }
        return nil
    }

    mutating func closeGroup(_ node: StretchNode) -> StretchNode? {
        guard !failed, isChar(0, ")") else { return nil }
        i += 1
        return node
    }

    // MARK: lookarounds

    func lookahead(_ inner: StretchNode) -> StretchNode {
        let info = StretchNode.edges(inner)
        return !info.nullable && !info.firstDigit ? .nextNonDigit : .noOp
    }

    func lookbehind(_ inner: StretchNode) -> StretchNode {
        let info = StretchNode.edges(inner)
        return !info.nullable && !info.lastDigit ? .prevNonDigit : .noOp
    }

    func negativeLookahead(_ inner: StretchNode) -> StretchNode {
        StretchNode.branches(inner).contains { $0.isDigitCoveringAtom(allowRepeat: true) } ? .nextNonDigit : .noOp
    }

    /// `(?<!X)`: a branch of X that is one atom covering 0-9 proves "previous is a non-digit"; a
    /// branch that is one atom surely matching a tight separator t proves "previous is not t"
    /// (hence not digit + t); a branch of two atoms, the first covering 0-9 and the second surely
    /// matching t, proves "the previous two are not digit + t".
    func negativeLookbehind(_ inner: StretchNode) -> StretchNode {
        var facts = LeftFacts(prevNonDigit: false, notDigitThen: 0)
        for b in StretchNode.branches(inner) {
            if b.isDigitCoveringAtom(allowRepeat: false) { facts.prevNonDigit = true }
            facts.notDigitThen |= b.surelyMatchedSeparators
            if case .seq(let items) = b, items.count == 2, items[0].isDigitCoveringAtom(allowRepeat: false) {
                facts.notDigitThen |= items[1].surelyMatchedSeparators
            }
        }
        return .behind(facts)
    }

    // MARK: escapes

    mutating func hexNumber() -> UInt32? {
        if isChar(0, "{") {
            i += 1
            var v: UInt32 = 0, n = 0
            while let c = peek(), let d = hexValue(c) { v = v &* 16 &+ d; i += 1; n += 1; if n > 8 { return nil } }
            guard n > 0, isChar(0, "}") else { return nil }
            i += 1
            return v
        }
        var v: UInt32 = 0
        for _ in 0..<2 {
            guard let c = peek(), let d = hexValue(c) else { break }
            v = v * 16 + d; i += 1
        }
        return v
    }

    func hexValue(_ c: UInt32) -> UInt32? {
        if c >= 48 && c <= 57 { return c - 48 }
        if c >= 65 && c <= 70 { return c - 55 }
        if c >= 97 && c <= 102 { return c - 87 }
        return nil
    }

    /// Escapes that stand for one character (its code point), valid inside and outside classes.
    mutating func literalEscape(_ c: UInt32) -> UInt32? {
        switch Character(Unicode.Scalar(c) ?? " ") {
        case "a": return 7
        case "e": return 27
        case "f": return 12
        case "n": return 10
        case "r": return 13
        case "t": return 9
        case "x": return hexNumber()
        case "c":
            guard let d = peek(), d >= 32, d < 127 else { return nil }
            i += 1
            return ((d >= 97 && d <= 122) ? d - 32 : d) ^ 0x40
        case "0":
            var v: UInt32 = 0
            for _ in 0..<2 {
                guard let d = peek(), d >= 48, d <= 55 else { break }
                v = v * 8 + d - 48; i += 1
            }
            return v
        case "o":
            guard isChar(0, "{") else { return nil }
            i += 1
            var v: UInt32 = 0, n = 0
            while let d = peek(), d >= 48, d <= 55 { v = v &* 8 &+ (d - 48); i += 1; n += 1; if n > 11 { return nil } }
            guard n > 0, isChar(0, "}") else { return nil }
            i += 1
            return v
        default:
            let alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            return alnum || c >= 128 ? nil : c
        }
    }

    /// `\d \D \w \W \s \S \h \H \v \V \p \P`.
    mutating func classEscape(_ c: UInt32) -> StretchCharSet?? {
        switch Character(Unicode.Scalar(c) ?? " ") {
        case "d": return .some(.digits)
        // Negated type escapes surely match only the one-byte separators: PCRE2 10.42's JIT with
        // MATCH_INVALID_UTF steps back one byte for them in a lookbehind, so `(?<!\d\D)` lets a
        // match follow "7" + U+2009 (the interpreter does not); classes, `.`, `\h` are not affected.
        case "D": return .some(StretchCharSet.nonDigits.surelyOneByteSeparatorsOnly)
        case "w": return .some(.alnumLike)
        case "W": return .some(StretchCharSet.alnumLike.negated.surelyOneByteSeparatorsOnly)
        case "s": return .some(.whiteSpace)
        case "S": return .some(StretchCharSet.whiteSpace.negated.surelyOneByteSeparatorsOnly)
        case "h": return .some(.horizontalSpace)
        case "H": return .some(StretchCharSet.horizontalSpace.negated.surelyOneByteSeparatorsOnly)
        case "v": return .some(.lettersLike)                        // vertical space: no separator
        case "V": return .some(StretchCharSet.lettersLike.negated.surelyOneByteSeparatorsOnly)
        case "p", "P": return .some(property(negated: c == 0x50))
        default: return .none
        }
    }

    mutating func property(negated: Bool) -> StretchCharSet? {
        var name = ""
        if isChar(0, "{") {
            i += 1
            while let c = peek(), c != 0x7D { name.unicodeScalars.append(Unicode.Scalar(c) ?? " "); i += 1 }
            guard !atEnd else { return nil }
            i += 1
        } else {
            guard let c = peek() else { return nil }
            name.unicodeScalars.append(Unicode.Scalar(c) ?? " "); i += 1
        }
        var neg = negated
        if name.hasPrefix("^") { neg.toggle(); name.removeFirst() }
        let key = name.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" }
        let set: StretchCharSet
        switch key {
        case "n", "nd", "xan", "xwd": set = .alnumLike
        case "any": set = .everything
        case "l", "lu", "ll", "lt", "lm", "lo", "l&", "lc", "m", "mn", "mc", "me": set = .lettersLike
        case "p", "pc", "pd", "ps", "pe",
             "pi", "pf", "po", "s", "sm", "sc", "sk", "so", "z", "zs", "zl", "zp", "c", "cc", "cf", "cs", "co",
             "cn", "nl", "no", "xsp", "xps":
            set = .someOther
        default: set = .unknown
        }
        return neg ? set.negated : set
    }

    mutating func parseEscape() -> StretchNode? {
        i += 1  // backslash
        guard let c = peek() else { return nil }
        i += 1
        if let cls = classEscape(c) { return cls.map { .atom($0) } }
        switch Character(Unicode.Scalar(c) ?? " ") {
        case "b": return .wordBoundary
        case "B", "G": return .noOp
        case "A": return .behind(.all)
        case "z", "Z": return .nextNonDigit
        case "N":
            if isChar(0, "{") { return nil }
            return .atom(.dot)
        case "R": return .seq([.atom(.someOther), .repeated(.atom(.someOther), min: 0, max: 1)])
        case "E": return .empty
        case "Q": return nil                                        // quoting: not modelled
        case "g":
            var n = 0, digits = 0
            let braced = isChar(0, "{")
            if braced { i += 1 }
            while let d = peek(), d >= 48, d <= 57 { n = n * 10 + Int(d - 48); i += 1; digits += 1; if digits > 4 { return nil } }
            if braced { guard isChar(0, "}") else { return nil }; i += 1 }
            guard digits > 0, n > 0 else { return nil }
            usesBackreference = true
            return .backreference(n)
        default:
            if c >= 49 && c <= 57 {                                 // \1 … \9 (not \10+: octal rules)
                if let d = peek(), d >= 48, d <= 57 { return nil }
                usesBackreference = true
                return .backreference(Int(c - 48))
            }
            return literalEscape(c).map { .atom(.scalar($0)) }
        }
    }

    // MARK: classes

    /// Parses after `[` up to and including `]`.
    mutating func parseClass() -> StretchCharSet? {
        var negated = false
        if isChar(0, "^") { negated = true; i += 1 }
        var set = StretchCharSet.nothing
        var first = true
        while true {
            guard let c = peek() else { return nil }
            if c == 0x5D && !first { i += 1; break }
            first = false
            guard let item = classItem() else { return nil }
            switch item {
            case .set(let s): set = set.union(s)
            case .char(let lo):
                if isChar(0, "-"), let after = peek(1), after != 0x5D {
                    i += 1
                    guard let hiItem = classItem(), case .char(let hi) = hiItem, hi >= lo else { return nil }
                    set = set.union(.range(lo, hi))
                } else {
                    set = set.union(.scalar(lo))
                }
            }
        }
        return negated ? set.negated : set
    }

    enum ClassItem { case char(UInt32), set(StretchCharSet) }

    mutating func classItem() -> ClassItem? {
        guard let c = peek() else { return nil }
        if c == 0x5B, let n = peek(1), n == 0x3A || n == 0x2E || n == 0x3D {   // [: [. [=
            if n != 0x3A { return nil }
            var j = i + 2
            var name = ""
            while j < chars.count, chars[j] != 0x3A, j < i + 16 { name.unicodeScalars.append(Unicode.Scalar(chars[j]) ?? " "); j += 1 }
            guard j + 1 < chars.count, chars[j] == 0x3A, chars[j + 1] == 0x5D else { return nil }
            i = j + 2
            var neg = false
            if name.hasPrefix("^") { neg = true; name.removeFirst() }
            let set: StretchCharSet
            switch name {
            case "digit": set = .digits
            case "alnum", "xdigit", "word": set = .alnumLike
            case "graph", "print", "ascii": set = .digitsAndSomeOther
            case "alpha", "upper", "lower": set = .lettersLike
            case "space", "blank", "punct", "cntrl": set = .someOther
            default: return nil
            }
            return .set(neg ? set.negated : set)
        }
        i += 1
        guard c == 0x5C else { return .char(c) }
        guard let e = peek() else { return nil }
        i += 1
        if let cls = classEscape(e) { return cls.map { .set($0) } }
        if e == 0x62 { return .char(8) }                            // \b = backspace in a class
        if e == 0x45 { return classItemAfterEmptyEscape() }         // \E: ignored
        return literalEscape(e).map { .char($0) }
    }

    mutating func classItemAfterEmptyEscape() -> ClassItem? {
        if isChar(0, "]") { return .set(.nothing) }
        return classItem()
    }
}

extension StretchNode {
    /// Top-level branches of an assertion body, groups unwrapped.
    static func branches(_ node: StretchNode) -> [StretchNode] {
        if case .alt(let bs) = node { return bs }
        return [node]
    }

    /// One atom matching every ASCII digit (optionally `X{n,}` with n >= 1 when `allowRepeat`):
    /// such a branch matches whenever the character next to the assertion is a digit.
    func isDigitCoveringAtom(allowRepeat: Bool) -> Bool {
        switch self {
        case .atom(let s): return s.coversAllDigits
        case .seq(let items) where items.count == 1: return items[0].isDigitCoveringAtom(allowRepeat: allowRepeat)
        case .alt(let bs): return bs.contains { $0.isDigitCoveringAtom(allowRepeat: allowRepeat) }
        case .repeated(let inner, let lo, let hi):
            // X{1} always; X{1,m} / X+ only in a lookahead (one digit next suffices for them).
            guard lo == 1, hi == 1 || allowRepeat else { return false }
            return inner.isDigitCoveringAtom(allowRepeat: false)
        default: return false
        }
    }

    /// Whether the node can match empty, and whether its first / last consumed character can be
    /// an ASCII digit (over-approximated; assertions and back-references treated loosely).
    static func edges(_ node: StretchNode) -> (nullable: Bool, firstDigit: Bool, lastDigit: Bool) {
        switch node {
        case .empty, .prevNonDigit, .behind, .nextNonDigit, .wordBoundary, .noOp: return (true, false, false)
        case .backreference: return (true, true, true)
        case .atom(let s): return (false, s.canDigit, s.canDigit)
        case .alt(let bs):
            var r = (nullable: false, firstDigit: false, lastDigit: false)
            for b in bs {
                let e = edges(b)
                r = (r.nullable || e.nullable, r.firstDigit || e.firstDigit, r.lastDigit || e.lastDigit)
            }
            return r
        case .repeated(let inner, let lo, let hi):
            if hi == 0 { return (true, false, false) }
            let e = edges(inner)
            return (e.nullable || lo == 0, e.firstDigit, e.lastDigit)
        case .seq(let items):
            let es = items.map { edges($0) }
            var first = false
            for e in es {
                first = first || e.firstDigit
                if !e.nullable { break }
            }
            var last = false
            for e in es.reversed() {
                last = last || e.lastDigit
                if !e.nullable { break }
            }
            return (es.allSatisfy(\.nullable), first, last)
        }
    }

    /// The tight separators that this node, if it is one character atom (or a group or `{1}` of
    /// one), surely matches: the bits of `StretchCharSet.separatorsAll`, 0 otherwise.
    var surelyMatchedSeparators: UInt8 {
        switch self {
        case .atom(let s): return s.separatorsAll
        case .seq(let items) where items.count == 1: return items[0].surelyMatchedSeparators
        case .alt(let bs): return bs.reduce(0) { $0 | $1.surelyMatchedSeparators }
        case .repeated(let inner, 1, 1): return inner.surelyMatchedSeparators
        default: return 0
        }
    }

    /// Whether the node can consume an ASCII digit (back-references count as yes).
    var canConsumeDigit: Bool {
        switch self {
        case .atom(let s): return s.canDigit
        case .seq(let xs), .alt(let xs): return xs.contains { $0.canConsumeDigit }
        case .repeated(let inner, _, let hi): return hi != 0 && inner.canConsumeDigit
        case .backreference: return true
        default: return false
        }
    }
}

/// A set of abstract states: index 0 = Z, 1...63 = E(c), 64...126 = P(c) (64 + c - 1),
/// 127 = U; +128 when the next character is known to be a non-digit.
struct StateSet: Equatable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    static let zero = 0, unknown = 127, nn = 128

    static func single(_ s: Int) -> StateSet { var r = StateSet(); r.insert(s); return r }

    mutating func insert(_ s: Int) {
        let bit = UInt64(1) << UInt64(s & 63)
        switch s >> 6 { case 0: w0 |= bit; case 1: w1 |= bit; case 2: w2 |= bit; default: w3 |= bit }
    }

    func union(_ o: StateSet) -> StateSet { StateSet(w0: w0 | o.w0, w1: w1 | o.w1, w2: w2 | o.w2, w3: w3 | o.w3) }
    func subtracting(_ o: StateSet) -> StateSet { StateSet(w0: w0 & ~o.w0, w1: w1 & ~o.w1, w2: w2 & ~o.w2, w3: w3 & ~o.w3) }
    var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Calls `body` for every state in the set, in increasing order, without allocating.
    func forEach(_ body: (Int) -> Void) {
        for k in 0..<4 {
            var x = k == 0 ? w0 : k == 1 ? w1 : k == 2 ? w2 : w3
            while x != 0 {
                body(k * 64 + x.trailingZeroBitCount)
                x &= x - 1
            }
        }
    }
}

struct StretchAnalyzer {
    let groups: [Int: StretchNode]
    var emitted: UInt64 = 0
    /// Guards against pathological patterns (huge nested counted repeats).
    var budget = 2_000_000

    init(groups: [Int: StretchNode]) { self.groups = groups }

    static func atLeast(_ c: Int) -> UInt64 { UInt64.max << UInt64(c) }

    /// Lengths a stretch open in state `s` may have when the match ends.
    static func endEmission(_ s: Int) -> UInt64 {
        let known = s >= StateSet.nn
        let base = s & 127
        if base >= 1 && base <= 63 { return known ? UInt64(1) << UInt64(base) : atLeast(base) }
        if base >= 64 && base <= 126 { return atLeast(base - 63) }
        return 0
    }

    mutating func consume(_ set: StretchCharSet, _ input: StateSet) -> StateSet {
        var out = StateSet()
        var emitted = self.emitted
        input.forEach { s in
            let known = s >= StateSet.nn
            let base = s & 127
            if set.canDigit && !known {
                switch base {
                case 0: out.insert(1)
                case 1...63: out.insert(min(base + 1, 63))
                case 64...126: out.insert(min(base + 1, 126))
                default: out.insert(64)                             // U → P(1)
                }
            }
            if set.canOther {
                if base >= 1 && base <= 63 { emitted |= UInt64(1) << UInt64(base) }
                if base >= 64 && base <= 126 { emitted |= Self.atLeast(base - 63) }
                out.insert(StateSet.zero)
            }
        }
        self.emitted = emitted
        return out
    }

    func map(_ input: StateSet, _ f: (_ base: Int, _ known: Bool) -> Int?) -> StateSet {
        var out = StateSet()
        input.forEach { s in
            if let t = f(s & 127, s >= StateSet.nn) { out.insert(t) }
        }
        return out
    }

    /// Runs `node` from the states `input`; nil = give up.
    mutating func run(_ node: StretchNode, _ input: StateSet) -> StateSet? {
        budget -= 1
        guard budget > 0 else { return nil }
        if input.isEmpty { return input }
        switch node {
        case .empty, .noOp: return input
        case .atom(let s): return consume(s, input)
        case .seq(let items):
            var cur = input
            for item in items {
                guard let next = run(item, cur) else { return nil }
                cur = next
            }
            return cur
        case .alt(let bs):
            var out = StateSet()
            for b in bs {
                guard let r = run(b, input) else { return nil }
                out = out.union(r)
            }
            return out
        case .behind(let facts) where !facts.prevNonDigit:
            return input
        case .prevNonDigit, .behind:
            return map(input) { base, known in
                (base == 0 || base == StateSet.unknown) ? StateSet.zero + (known ? StateSet.nn : 0) : nil
            }
        case .nextNonDigit:
            return map(input) { base, _ in base + StateSet.nn }
        case .wordBoundary:
            return map(input) { base, known in
                if base == StateSet.unknown { return StateSet.zero + (known ? StateSet.nn : 0) }
                if base == 0 { return base + (known ? StateSet.nn : 0) }
                return base + StateSet.nn
            }
        case .backreference(let n):
            guard let g = groups[n], !g.canConsumeDigit else { return nil }
            return input.union(consume(.someOther, input))
        case .repeated(let inner, let lo, let hi):
            var cur = input
            var k = 0
            while k < lo {
                guard let next = run(inner, cur) else { return nil }
                if next == cur { break }
                cur = next; k += 1
            }
            var acc = cur
            var frontier = cur
            var extra = 0
            while hi.map({ extra < $0 - lo }) ?? true {
                guard let next = run(inner, frontier) else { return nil }
                frontier = next.subtracting(acc)
                if frontier.isEmpty { break }
                acc = acc.union(frontier)
                extra += 1
            }
            return acc
        }
    }
}
