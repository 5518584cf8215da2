/// The one registry of named validators. Packs refer to validators by name; tables are
/// contributed per family so that each family lives in its own file.
public enum ValidatorRegistry {
    static let tables: [[String: ValidatorFactory]] = [
        GenericValidators.table,
        CountryValidatorsA.table,
        CountryValidatorsB.table,
        EntropyValidators.table,
    ]

    /// Every registered name, sorted.
    public static var names: [String] {
        tables.flatMap { $0.keys }.sorted()
    }

    /// Builds the validator `name` with `parameters`; throws with a readable message when the
    /// name is unknown or a parameter is missing or malformed.
    public static func make(name: String, parameters: [String: ValidatorParameter] = [:]) throws -> any CandidateValidator {
        for table in tables {
            if let factory = table[name] { return try factory(parameters) }
        }
        throw ValidatorError("unknown validator '\(name)'; known: \(names.joined(separator: ", "))")
    }
}
