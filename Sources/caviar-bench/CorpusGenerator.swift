import Foundation

/// A deterministic multilingual text with sensitive values sprinkled in (about two per KB) and
/// decoys (amounts, years, times, versions, ticket numbers), for throughput benchmarks.
struct CorpusGenerator {
    var state: UInt64

    init(seed: UInt64 = 20261129) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(next() % 10)) }) }

    static let sentences = [
        "Merci pour votre message concernant la réunion de jeudi prochain à Bruxelles.",
        "Wir haben die Unterlagen für die Sitzung des Ausschusses am Montag erhalten.",
        "La commissione ha approvato il bilancio con 25 voti favorevoli e 3 astensioni.",
        "El informe se presentará en el pleno de marzo, según el calendario previsto.",
        "De vergadering is verplaatst naar dinsdag om 14:30 in zaal 3.",
        "Projekt zostanie zakończony do końca roku, zgodnie z harmonogramem.",
        "O relatório final foi enviado aos membros do grupo de trabalho.",
        "Mötet om budgeten hålls i nästa vecka enligt planen.",
        "Kokous pidetään ensi viikolla, ja esityslista lähetetään huomenna.",
        "Schůzka výboru se uskuteční ve středu v 10:00.",
        "Η συνεδρίαση της επιτροπής θα πραγματοποιηθεί την Τρίτη.",
        "A bizottság ülése csütörtökön 9 órakor kezdődik.",
        "Please find attached the minutes of the meeting held on 12 March 2024.",
        "Ticket #48213 was closed after the upgrade to version 2.10.3.",
        "The total amount is EUR 1 250,00 including VAT, payable within 30 days.",
        "According to Article 6(1)(e) of Regulation (EU) 2016/679, the processing is lawful.",
    ]
    static let first = ["Renée", "Jan", "Zoë", "Mikael", "Anna", "Giulia", "José", "Łukasz", "Søren", "Eleni", "Ádám", "Marie"]
    static let last = ["Dupont", "Kowalski", "Lefèvre", "Virtanen", "Müller", "Rossi", "García", "Nowak", "Jensen", "Papadopoulou", "Nagy", "Janssens"]

    mutating func sensitive() -> String {
        let f = pick(CorpusGenerator.first), l = pick(CorpusGenerator.last)
        switch next() % 10 {
        case 0: return "Contact: \(f.lowercased()).\(l.lowercased())@example.eu"
        case 1: return "Tel. +32 470 \(digits(2)) \(digits(2)) \(digits(2))"
        case 2: return "IBAN DE89 3704 0044 0532 0130 00"
        case 3: return "Karte 4111 1111 1111 1111"
        case 4: return "server 10.\(next() % 256).\(next() % 256).\(next() % 256)"
        case 5: return "Mobil 0151 \(digits(8))"
        case 6: return "password=\(digits(4))Ab!"
        case 7: return "né le \(1 + next() % 28) mars 19\(digits(2))"
        case 8: return "token ghp_\(String((0..<36).map { _ in Character(UnicodeScalar(UInt8(97 + next() % 26))) }))"
        default: return "Dear \(f) \(l),"
        }
    }

    /// Writes at least `bytes` bytes to `path`.
    mutating func write(bytes: Int, to path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? h.close() }
        var written = 0
        var chunk = ""
        while written < bytes {
            var line = ""
            for _ in 0..<(2 + Int(next() % 4)) { line += pick(CorpusGenerator.sentences) + " " }
            if next() % 5 < 4 { line += sensitive() + "." }
            line += next() % 7 == 0 ? "\r\n" : "\n"
            chunk += line
            if chunk.utf8.count > 1 << 20 {
                let d = Data(chunk.utf8)
                h.write(d)
                written += d.count
                chunk = ""
            }
        }
        if !chunk.isEmpty { h.write(Data(chunk.utf8)) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
