import ArgumentParser
import CaviarCore
import CaviarDetection
import DictionaryAutomaton

/// `caviar dict`: compile and check dictionaries. The work is in CaviarDetection/Dictionaries.
struct DictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dict",
        abstract: "Compile term lists into memory-mapped dictionaries, and check compiled ones.",
        subcommands: [DictBuild.self, DictVerify.self])
}

/// `caviar dict build LIST... -o FILE`.
struct DictBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile term lists (or a CSV export of people) into one dictionary file.",
        discussion: """
        A list is UTF-8 text, one term per line; # starts a comment; ENTITY<TAB>term sets the \
        entity of one line (default --entity, ORGANISATION_TERM). Matching ignores case and \
        diacritics (Müller = Mueller = MULLER), treats punctuation and runs of spaces as one \
        space, and only matches whole words (Orion matches Orion's and l'Orion, not Orions). \
        The compiled file records its sources: when a list changes, the next run rebuilds it.

        With --csv, every row is a person (entity PERSON): --columns gives the role of each \
        column in order (first, last, full, email, - to ignore). caviar adds the usual ways of \
        writing a name: "Jean Dupont", "Dupont, Jean", "DUPONT Jean", "J. Dupont", \
        "Mme Dupont", "Herr Dupont", … and the e-mail address; all get the same placeholder.

        With --hashed, the file stores salted hashes instead of the terms, so the list cannot \
        be read from it (scanning is slower). The salt file is created (32 random bytes, mode \
        0600) when missing, and is needed at every run: its path is recorded in the dictionary.

        EXAMPLES
          caviar dict build codenames.txt -o codenames.dict
          caviar dict build staff.csv --csv --columns first,last,email -o staff.dict
          caviar dict build clients.txt --entity PERSON --hashed --salt-file ~/.config/caviar/dict.salt -o clients.dict
          caviar redact --dict codenames.dict --dict staff.dict < mail.txt
        """)

    @Argument(help: ArgumentHelp("Term lists (or CSV files with --csv).", valueName: "LIST"))
    var lists: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The compiled dictionary to write.", valueName: "FILE"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Entity of lines without ENTITY<TAB> (default ORGANISATION_TERM).", valueName: "ENTITY"))
    var entity: String?

    @Flag(name: .long, help: "Read the lists as CSV exports of people.")
    var csv = false

    @Option(name: .long, help: ArgumentHelp("CSV column roles in order: first, last, full, email, -.", valueName: "ROLES"))
    var columns: String?

    @Flag(name: .long, help: "Store salted hashes instead of the terms.")
    var hashed = false

    @Option(name: .long, help: ArgumentHelp("Salt file for --hashed (created when missing).", valueName: "FILE"))
    var saltFile: String?

    func validate() throws {
        if let entity, !EntityType.isValidName(entity) {
            throw ValidationError("--entity \(entity) is not an entity name: use upper case, for example PERSON or ORGANISATION_TERM")
        }
        if csv && columns == nil { throw ValidationError("--csv needs --columns, for example --columns first,last,email") }
        if !csv && columns != nil { throw ValidationError("--columns is for --csv input") }
        if hashed != (saltFile != nil) { throw ValidationError("--hashed and --salt-file FILE go together") }
    }

    func run() throws {
        do {
            var options = DictionaryBuildOptions()
            if let entity { options.defaultEntity = EntityType(entity) }
            if let columns { options.csvRoles = try DictionaryCSV.roles(columns) }
            if let saltFile {
                if try DictionaryCompiler.createSaltFileIfMissing(saltFile) {
                    Diagnostics.note("created salt file \(saltFile): keep it, the dictionary cannot be used without it")
                }
                options.saltPath = saltFile
            }
            let report = try DictionaryCompiler.build(sources: lists, output: output, options: options)
            for warning in report.warnings { Diagnostics.warning(warning.description) }
            let unit = csv ? "people" : "terms"
            Diagnostics.note("\(output): \(report.sourceTerms) \(unit), \(report.spellings) spellings, \(report.byteCount / 1024) KiB\(hashed ? ", hashed" : "")")
        } catch let error as DictionaryError {
            throw CaviarFailure(error.description, code: error.kind == .io ? .failure : .usage)
        }
    }
}

/// `caviar dict verify FILE...`: checksum and staleness.
struct DictVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check compiled dictionaries: format, checksum of the whole file, staleness against their lists.")

    @Argument(help: ArgumentHelp("Compiled dictionaries.", valueName: "FILE"))
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let automaton = try DictionaryAutomaton(contentsOf: file, verification: .full)
                let entities = DictionaryCompiler.entities(of: automaton).map(\.name).joined(separator: ",")
                switch DictionaryCompiler.freshness(of: automaton) {
                case .fresh:
                    Diagnostics.note("\(file): ok, \(automaton.termCount) spellings (\(entities))\(automaton.isHashed ? ", hashed" : "")")
                case .sourcesUnavailable:
                    Diagnostics.note("\(file): ok, \(automaton.termCount) spellings (\(entities)); its lists are not here, staleness not checked")
                case .stale(let reason):
                    failed = true
                    Diagnostics.error("\(file): stale, \(reason): rebuild it with `caviar dict build`")
                }
            } catch let error as DictionaryError {
                failed = true
                Diagnostics.error(error.description)
            }
        }
        if failed { throw ExitCode(1) }
    }
}
