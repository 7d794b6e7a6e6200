import Foundation

/// `pushnote sync`: one note with its pad, offline-first, nobody's edit lost.
///
/// The order of one sync: lock; read the file; read the pad consistently (`getRevisionsCount`,
/// then `getText` at that revision); merge per section against the base; push with `setText`
/// when the pad's text differs, verified by the revision count right after (a colleague's edit
/// that slipped in is merged again, at most three rounds); write the file (only if it did not
/// change meanwhile); record the base when the push is confirmed; commit file and base in one
/// commit. A sync with nothing to do makes a single request. A kill at any point leaves each
/// file old or new and the base never ahead of the pad, so the next sync converges.
public struct SyncEngine: Sendable {
  /// What the user allowed and asked for.
  public struct Options: Sendable {
    /// Show the diffs, write nothing.
    public var dryRun = false
    /// Merge with a pad that was emptied or lost most of its lines.
    public var acceptRemoteDeletion = false
    /// Create the pad again after it vanished.
    public var recreatePad = false
    /// Go on when the pad's revision count went backwards (recreated or restored).
    public var acceptPadReset = false
    /// Seconds to wait for another sync's lock.
    public var lockWait: Double = 0
    /// Rounds of merge and push before giving up on a busy pad.
    public var maxRounds = 3
    /// Seconds after the read past which the revision is checked again before `setText`.
    public var guardAfter: Double = 0.5

    /// The defaults.
    public init() {}
  }

  /// The notebook.
  public let notebook: Notebook
  /// The note file's absolute path.
  public let notePath: String
  /// The pad client.
  public let client: EtherpadClient
  /// The options.
  public let options: Options
  /// Called with a step's name after each step (tests stop the process there).
  public let checkpoint: @Sendable (String) -> Void

  /// A sync of `notePath` in `notebook` through `client`.
  public init(
    notebook: Notebook, notePath: String, client: EtherpadClient, options: Options = Options(),
    checkpoint: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.notebook = notebook
    self.notePath = notePath
    self.client = client
    self.options = options
    self.checkpoint = checkpoint
  }

  /// The pad id of a note file, from the date its name gives.
  ///
  /// - Throws: ``SyncError/configuration(_:)`` when the name gives no date.
  public static func padID(notebook: Notebook, notePath: String) throws(SyncError) -> String {
    guard let date = Notebook.date(fromPath: notePath) else {
      throw .configuration("\(notePath): the file name gives no push date (expected like mkt-2026-12-01.md), so no pad id")
    }
    return notebook.padID(for: date)
  }

  /// Runs one sync.
  public func run() async throws(SyncError) -> SyncReport {
    let padID = try Self.padID(notebook: notebook, notePath: notePath)
    let store = SyncStore(root: notebook.root, padID: padID)
    let lock: SyncLock? = options.dryRun ? nil : try SyncLock(path: store.lockPath, wait: options.lockWait)
    defer { withExtendedLifetime(lock) {} }
    let relativeNote = notebook.relativePath(notePath)
    var report = SyncReport(padID: padID, note: relativeNote, outcome: .unchanged)
    let git = Git(directory: notebook.root)
    if !options.dryRun, let remote = notebook.config.gitRemote { try await pullRemote(git, remote: remote) }

    let originalBytes = try readNote()
    let local = try sections(originalBytes, source: relativeNote, localOnly: notebook.config.pad.localOnly)
    var state = store.loadState()
    let storedBase = store.loadBase(state: state)
    let storedBaseText: String? = if case .text(let text) = storedBase { text } else { nil }
    var baseText = storedBaseText
    let syncedBefore = storedBase != .none

    await client.useVersion(state.apiVersion)
    var revision: Int
    var created = false
    do {
      revision = try await client.revisionsCount(padID)
    } catch .padMissing(let server) {
      if syncedBefore && !options.recreatePad {
        throw .refused("the pad \(padID) was synced before but no longer exists on \(server); nothing was changed. "
          + "Use --recreate-pad to create it again from the file")
      }
      if options.dryRun {
        revision = -1
      } else {
        try await client.createPad(padID)
        revision = try await client.revisionsCount(padID)
        created = true
        // A new pad shares no history with the file: nothing is known to be synced.
        baseText = nil
      }
    }
    checkpoint("after-revision")
    if !options.dryRun, let baseText, state.revision == revision, state.padMatchesBase, !state.uncommitted,
      local.sections.allSatisfy(\.conflictBlocks.isEmpty), Self.padFacingText(local) == baseText
    {
      report.requests = await client.requestCount
      return report
    }
    if let known = state.revision, revision < known, revision >= 0, !created, !options.acceptPadReset {
      throw .refused("the pad \(padID)'s revision count went back from \(known) to \(revision): it was recreated or "
        + "restored; nothing was changed. Use --accept-pad-reset to merge with it anyway")
    }
    var padText = revision >= 0 ? try await client.text(padID, rev: revision) : ""
    checkpoint("after-read")
    if let baseText, !created, !options.acceptRemoteDeletion, Self.looksWiped(base: baseText, pad: padText) {
      throw .refused("the pad \(padID) was emptied or lost most of its lines since the last sync; nothing was changed. "
        + "Use --accept-remote-deletion to take that deletion")
    }
    if let pending = state.pending, pending == padText, Self.padFacingText(local) == pending {
      // The last push landed but was not recorded: adopt it as the base.
      baseText = pending
    }

    var mergeBase = try baseText.map { text throws(SyncError) in try sections(Array(text.utf8), source: "the base") }
    var mergeLocal = local
    var confirmed = false
    var pushFailure: SyncError?
    var merge = NoteMerge(base: mergeBase, local: mergeLocal, pad: try padSections(padText))
    var readTime = Date()
    var round = 1
    while true {
      if options.dryRun {
        report.outcome = .dryRun
        report.fileDiff = Self.diffLines(from: originalBytes, to: merge.localBytes)
        report.padDiff = Self.diffLines(from: Array(padText.utf8), to: Array(merge.padText.utf8))
        fill(&report, merge)
        report.requests = await client.requestCount
        return report
      }
      checkpoint("after-merge")
      if Self.samePadText(merge.padText, padText) {
        confirmed = true
        break
      }
      do {
        if Date().timeIntervalSince(readTime) > options.guardAfter {
          let current = try await client.revisionsCount(padID)
          if current != revision {
            revision = current
            padText = try await client.text(padID, rev: current)
            merge = NoteMerge(base: mergeBase, local: mergeLocal, pad: try padSections(padText))
            readTime = Date()
            continue
          }
        }
        state.pending = merge.padText
        try store.saveState(state)
        try await client.setText(padID, merge.padText)
        report.pushed = true
        checkpoint("after-push")
        let after = try await client.revisionsCount(padID)
        if after == revision + 1 {
          revision = after
          confirmed = true
          break
        }
        // Somebody else wrote to the pad between the read and the write.
        guard round < options.maxRounds else {
          pushFailure = .raceLost(attempts: round)
          break
        }
        round += 1
        let head = try await client.text(padID, rev: after)
        if head == merge.padText || Self.samePadText(head, merge.padText), after > 0 {
          // Ours is the head: the colleague's edit is in the revision just before it.
          padText = try await client.text(padID, rev: after - 1)
        } else {
          // A colleague wrote after ours: merge from what we pushed.
          mergeBase = try sections(Array(merge.padText.utf8), source: "the pushed text")
          mergeLocal = try sections(merge.localBytes, source: relativeNote, localOnly: notebook.config.pad.localOnly)
          padText = head
        }
        revision = after
        merge = NoteMerge(base: mergeBase, local: mergeLocal, pad: try padSections(padText))
        readTime = Date()
      } catch {
        pushFailure = error
        break
      }
    }

    fill(&report, merge)
    report.outcome = merge.hasConflicts ? .conflicts : (report.fromPad.isEmpty && report.toPad.isEmpty ? .unchanged : .synced)
    var changedPaths: [String] = []
    if state.uncommitted { changedPaths += [relativeNote, store.baseRelativePath, store.ignoreRelativePath] }
    if merge.localBytes != originalBytes || confirmed && storedBaseText != merge.baseText {
      state.uncommitted = true
      try store.saveState(state)
    }
    if merge.localBytes != originalBytes {
      try writeNote(merge.localBytes, expecting: originalBytes)
      changedPaths.append(relativeNote)
      checkpoint("after-write")
    }
    if confirmed {
      let newBase = merge.baseText
      if storedBaseText != newBase {
        try store.saveBase(newBase)
        changedPaths += [store.baseRelativePath, store.ignoreRelativePath]
      }
      state.revision = revision
      state.padMatchesBase = Self.samePadText(newBase, merge.padText)
      state.baseChecksum = SyncStore.checksum(newBase)
      state.pending = nil
      state.apiVersion = await client.apiVersion
      try store.saveState(state)
      checkpoint("after-base")
    }
    if !changedPaths.isEmpty {
      let existing = changedPaths.filter {
        FileManager.default.fileExists(atPath: (notebook.root as NSString).appendingPathComponent($0))
      }
      report.committed = try await commit(git, paths: Array(Set(existing)).sorted(), message: report.commitMessage)
      checkpoint("after-commit")
      state.uncommitted = false
      try store.saveState(state)
    }
    if !options.dryRun, let remote = notebook.config.gitRemote, report.committed { try await pushRemote(git, remote: remote) }
    report.requests = await client.requestCount
    if let pushFailure { throw pushFailure }
    return report
  }

  // MARK: Steps

  private func fill(_ report: inout SyncReport, _ merge: NoteMerge) {
    report.fromPad = merge.fromPad
    report.toPad = merge.toPad
    report.conflicts = merge.newConflicts
    report.conflictLines = merge.unresolvedConflictLines
  }

  private func readNote() throws(SyncError) -> [UInt8] {
    let bytes: [UInt8]
    do {
      bytes = try AtomicFile.read(notePath)
    } catch {
      throw .fileSystem(path: notebook.relativePath(notePath), message: error.description)
    }
    return bytes
  }

  private func writeNote(_ bytes: [UInt8], expecting original: [UInt8]) throws(SyncError) {
    // Re-checked right before the rename: an editor's save is never overwritten.
    guard (try? AtomicFile.read(notePath)) == original else { throw .changedDuringSync(path: notebook.relativePath(notePath)) }
    do {
      try AtomicFile.write(bytes, to: notePath)
    } catch {
      throw .fileSystem(path: notebook.relativePath(notePath), message: error.description)
    }
  }

  private func sections(_ bytes: [UInt8], source: String, localOnly: [String] = []) throws(SyncError) -> NoteSections {
    if let nul = bytes.firstIndex(of: 0) { throw .invalidText(source: source, offset: nul) }
    do {
      return try NoteSections(bytes: bytes, path: source, localOnly: localOnly)
    } catch {
      if case .invalidUTF8(_, let offset, _) = error { throw .invalidText(source: source, offset: offset) }
      throw .invalidText(source: source, offset: 0)
    }
  }

  private func padSections(_ text: String) throws(SyncError) -> NoteSections {
    // A pad always ends with "\n"; an empty pad is that "\n" alone.
    try sections(text == "\n" ? [] : Array(text.utf8), source: "the pad")
  }

  private func commit(_ git: Git, paths: [String], message: String) async throws(SyncError) -> Bool {
    guard await git.isRepository() else { return false }
    if let gitDirectory = try? await git.run(["rev-parse", "--absolute-git-dir"]) {
      let lock = (gitDirectory.trimmingCharacters(in: .whitespacesAndNewlines) as NSString).appendingPathComponent("index.lock")
      if FileManager.default.fileExists(atPath: lock) { throw .gitLocked(path: lock) }
    }
    do {
      return try await git.commit(paths: paths, message: message)
    } catch {
      throw .git(error.description, status: error.exitStatus)
    }
  }

  private func pullRemote(_ git: Git, remote: String) async throws(SyncError) {
    let branch = try await currentBranch(git)
    let output = try await callGit(git, ["pull", "--rebase", "--autostash", "--quiet", "--", remote, branch])
    if output.status != 0 {
      throw .git("git pull --rebase from \(remote) failed; resolve it with git, then sync again:\n" + output.stderr, status: .unavailable)
    }
  }

  private func pushRemote(_ git: Git, remote: String) async throws(SyncError) {
    let branch = try await currentBranch(git)
    let output = try await callGit(git, ["push", "--quiet", "--", remote, "HEAD:refs/heads/\(branch)"])
    if output.status != 0 {
      throw .git("git push to \(remote) failed (the sync itself is done and committed):\n" + output.stderr, status: .temporaryFailure)
    }
  }

  private func currentBranch(_ git: Git) async throws(SyncError) -> String {
    let output = try await callGit(git, ["rev-parse", "--abbrev-ref", "HEAD"])
    return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  private func callGit(_ git: Git, _ arguments: [String]) async throws(SyncError) -> Git.Output {
    do {
      return try await git.call(arguments)
    } catch {
      throw .git(error.description, status: error.exitStatus)
    }
  }

  // MARK: Pure helpers

  /// The text the file would give the pad: every section but local-only ones, in pad form.
  static func padFacingText(_ sections: NoteSections) -> String {
    var lines: [[UInt8]] = []
    for section in sections.sections where !section.isLocalOnly {
      lines += sections.text.lines[section.lines].map(\.padForm)
    }
    var bytes: [UInt8] = []
    for line in lines { bytes += line + [0x0A] }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether two pad texts are the same once the server's final-newline rule is applied.
  static func samePadText(_ first: String, _ second: String) -> Bool {
    func normal(_ text: String) -> String { text.isEmpty || text.hasSuffix("\n") ? (text.isEmpty ? "\n" : text) : text + "\n" }
    return normal(first) == normal(second)
  }

  /// Whether the pad lost most of the base's non-blank lines (or all of them).
  static func looksWiped(base: String, pad: String) -> Bool {
    func count(_ text: String) -> Int { text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count }
    let before = count(base), after = count(pad)
    if before > 0 && after == 0 { return true }
    return before >= 6 && after * 2 < before
  }

  /// `-` and `+` lines turning `old` into `new`.
  static func diffLines(from old: [UInt8], to new: [UInt8]) -> [String] {
    let oldText = SyncText(bytes: old), newText = SyncText(bytes: new)
    var table: [[UInt8]: Int] = [:]
    func code(_ line: SyncText.Line) -> Int {
      let form = line.padForm
      if let value = table[form] { return value }
      table[form] = table.count
      return table.count - 1
    }
    let oldCodes = oldText.lines.map(code), newCodes = newText.lines.map(code)
    var result: [String] = []
    for hunk in LineDiff.diff(oldCodes, newCodes) {
      result += hunk.old.map { "-" + String(decoding: oldText.lines[$0].content, as: UTF8.self) }
      result += hunk.new.map { "+" + String(decoding: newText.lines[$0].content, as: UTF8.self) }
    }
    return result
  }
}
