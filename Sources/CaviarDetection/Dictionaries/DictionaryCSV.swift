import CaviarCore
import DictionaryAutomaton

/// Imports people from a CSV export (a staff directory, a member list) and generates the ways
/// they are written in text. All variants of one person carry the same identity (the folded
/// full name), so every mention gets the same placeholder.
///
/// Columns are given by role, in file order: `first`, `last`, `full` (whole name), `email`,
/// `-` (ignore), for example `first,last,email`. The separator (`,` `;` or tab) is taken from
/// the first line; fields may be quoted (`"Dupont, Jean"`, `""` for a quote). A first row whose
/// cells are header words (`first name`, `Nachname`, `e-mail`, …) is skipped.
///
/// Generated for Jean Dupont, jean.dupont@example.org:
/// `Jean Dupont`; `Dupont Jean` (also covers `Dupont, Jean` and `DUPONT Jean`, which fold the
/// same); `J. Dupont` and for compound first names `J.-P. Dupont`; a title before the surname
/// (`Mr`, `Mrs`, `Ms`, `Dr`, `Prof`, `Herr`, `Frau`, `M.`, `Mme`, `Mlle`, `Sig.`, `Sig.ra`,
/// `Sr.`, `Sra.`, `Dhr.`, `Mevr.`, `Pan`, `Pani`, …); the e-mail address. The surname alone is
/// not generated (`Martin`, `Rose` would hit ordinary words); that is the name heuristics' job.
/// A title + surname shared by two people maps to the first one's identity.
public enum DictionaryCSV {
    /// A column's meaning.
    public enum Role: String, Sendable, CaseIterable {
        case first, last, full, email, ignore = "-"
    }

    /// Titles written before a surname, by language; folded at import (`Sig.ra` → `sig ra`).
    public static let titles = [
        "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Sir", "Dame",
        "Herr", "Frau", "Fr", "Hr",
        "M", "Mme", "Mlle", "Me", "Pr",
        "Sig", "Sig.ra", "Sigg", "Dott", "Dott.ssa", "Avv", "Ing",
        "Sr", "Sra", "Srta", "Dña", "Don", "Dª",
        "Dhr", "Mevr", "Mw", "Mej",
        "Pan", "Pani", "Pn",
        "Κος", "Κα", "Г-н", "Г-жа",
    ]

    /// Header words recognised per role (compared folded).
    static let headerWords: [Role: [String]] = [
        .first: ["first", "first name", "firstname", "given name", "givenname", "forename", "prenom", "prénom", "vorname", "nombre", "nome", "voornaam", "imie", "imię"],
        .last: ["last", "last name", "lastname", "surname", "family name", "familyname", "nom", "nom de famille", "nachname", "apellido", "apellidos", "cognome", "achternaam", "nazwisko"],
        .full: ["full", "name", "full name", "fullname", "display name", "displayname", "nom complet", "vollständiger name"],
        .email: ["email", "e-mail", "mail", "email address", "e-mail address", "courriel", "adresse e-mail", "e-mail-adresse"],
    ]

    /// Parses a `--columns` value (`first,last,email`).
    public static func roles(_ specification: String) throws -> [Role] {
        let roles = try specification.split(separator: ",", omittingEmptySubsequences: false).map { item -> Role in
            let name = item.trimmingSpaces.lowercased()
            guard let role = Role(rawValue: name) ?? (name == "ignore" ? .ignore : nil) else {
                throw DictionaryError(.invalidInput, "--columns: '\(name)' is not a column role: use first, last, full, email or - (ignore), for example --columns first,last,email")
            }
            return role
        }
        let named = Set(roles.filter { $0 != .ignore })
        guard named.contains(.full) || (named.contains(.first) && named.contains(.last)) || named.contains(.last) else {
            throw DictionaryError(.invalidInput, "--columns needs a name: give last (and first) or full, for example --columns first,last,email")
        }
        return roles
    }

    /// One person read from the CSV.
    public struct Person: Sendable, Equatable {
        public var first: String
        public var last: String
        public var email: String
        public var line: Int
    }

    /// Reads people from CSV bytes. Rows without a name are skipped with a warning.
    public static func people(_ bytes: [UInt8], file: String, roles: [Role], warnings: inout [DictionaryWarning]) throws -> [Person] {
        var content = bytes
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }
        if let bad = DictionarySource.firstInvalidUTF8(content[...]) {
            let line = content[..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw DictionaryError(.invalidInput, "\(file):\(line): invalid UTF-8 (byte 0x\(String(content[bad], radix: 16, uppercase: true))): export the CSV as UTF-8")
        }
        let text = String(decoding: content, as: UTF8.self)
        let firstLine = text.prefix { $0 != "\n" }
        var separator: Character = ","
        var best = firstLine.filter { $0 == "," }.count
        for candidate: Character in [";", "\t"] {
            let count = firstLine.filter { $0 == candidate }.count
            if count > best {
                best = count
                separator = candidate
            }
        }
        let rows = parseRows(text, separator: separator)
        var people: [Person] = []
        for (index, row) in rows.enumerated() {
            let line = row.line
            if row.cells.allSatisfy({ $0.trimmingSpaces.isEmpty }) { continue }
            if index == 0 && isHeader(row.cells, roles: roles) { continue }
            var person = Person(first: "", last: "", email: "", line: line)
            for (column, role) in roles.enumerated() where column < row.cells.count {
                let cell = row.cells[column].trimmingSpaces
                switch role {
                case .first: person.first = cell
                case .last: person.last = cell
                case .email: person.email = cell
                case .full:
                    let parts = cell.split(separator: " ").map(String.init)
                    if parts.count >= 2 {
                        person.first = parts.dropLast().joined(separator: " ")
                        person.last = parts[parts.count - 1]
                    } else {
                        person.last = cell
                    }
                case .ignore: break
                }
            }
            guard !person.last.isEmpty || !person.first.isEmpty else {
                warnings.append(DictionaryWarning(file: file, line: line, message: "row without a name, skipped"))
                continue
            }
            people.append(person)
        }
        return people
    }

    /// The spellings generated for one person (unfolded).
    public static func variants(of person: Person) -> [String] {
        var result: [String] = []
        let first = person.first
        let last = person.last.isEmpty ? person.first : person.last
        if !person.first.isEmpty && !person.last.isEmpty {
            result.append("\(first) \(last)")
            result.append("\(last) \(first)")
            let parts = first.split { $0 == " " || $0 == "-" }
            if let initial = parts.first?.first {
                result.append("\(initial). \(last)")
            }
            if parts.count > 1 {
                result.append(parts.compactMap { $0.first.map { "\($0)." } }.joined(separator: "-") + " " + last)
            }
        } else {
            result.append(last)
        }
        for title in titles {
            result.append("\(title) \(last)")
        }
        if !person.email.isEmpty { result.append(person.email) }
        return result
    }

    /// The identity shared by all variants of a person: the folded full name.
    public static func identity(of person: Person) -> [UInt8] {
        TextFolding.foldTerm(Array("\(person.first) \(person.last)".utf8))
    }

    static func isHeader(_ cells: [String], roles: [Role]) -> Bool {
        var matched = 0
        for (column, role) in roles.enumerated() where column < cells.count && role != .ignore {
            let folded = String(decoding: TextFolding.foldTerm(Array(cells[column].utf8)), as: UTF8.self)
            let words = (headerWords[role] ?? []).map { String(decoding: TextFolding.foldTerm(Array($0.utf8)), as: UTF8.self) }
            if words.contains(folded) { matched += 1 }
        }
        return matched > 0
    }

    /// RFC 4180 rows: quoted fields may hold separators, newlines and doubled quotes.
    static func parseRows(_ text: String, separator: Character) -> [(line: Int, cells: [String])] {
        var rows: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var field = ""
        var isQuoted = false
        var line = 1
        var rowLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if isQuoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { isQuoted = false; pending = next }
                    } else {
                        isQuoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                isQuoted = true
            case separator:
                cells.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                cells.append(field)
                field = ""
                rows.append((rowLine, cells))
                cells = []
                line += 1
                rowLine = line
            default:
                field.append(character)
            }
        }
        if !field.isEmpty || !cells.isEmpty {
            cells.append(field)
            rows.append((rowLine, cells))
        }
        return rows
    }
}

fileprivate extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
