import ArgumentParser

extension CaviarMain {
    /// Commands of the front ends (clipboard, mail, sessions, dictionaries), registered here.
    static var extraSubcommands: [ParsableCommand.Type] {
        [ClipCommand.self, RestoreCommand.self, SessionCommand.self, DictCommand.self, MailCommand.self, SendmailCommand.self]
    }
}
