import ArgumentParser

extension CaviarMain {
    /// Commands of the front ends (clipboard, mail, sessions, dictionaries), registered here.
    static var extraSubcommands: [ParsableCommand.Type] {
        [RestoreCommand.self, SessionCommand.self, DictCommand.self, MailCommand.self, SendmailCommand.self]
    }
}
