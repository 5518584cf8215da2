/// Country validators, member states AT to HU (alphabetical by ISO code). Owned by one author
/// at a time; add a row per algorithm.
enum CountryValidatorsA {
    static let table: [String: ValidatorFactory] = [:]
}
