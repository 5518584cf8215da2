/// Country validators, member states IE to SK (alphabetical by ISO code).
enum CountryValidatorsB {
    static let table: [String: ValidatorFactory] = [:]
}
