import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `pushnote sync`: one note with its pad, offline-first, nobody's edit lost.
///
/// The order of one sync: lock; pull the notebook's git remote if one is configured (see
/// ``NotebookRemote``: a conflict stops the sync with nothing changed); read the file; read the
/// pad consistently (`getRevisionsCount`, then `getText` at that revision); merge per section
/// against the base; push with `setText` when the pad's text differs, verified by the revision
/// count right before (a colleague's edit since the read is merged first) and right after (one
/// that slipped in is merged again from the pad's history, at most three rounds), with a write
/// record saved before each write so that a run killed or timed out is repaired by the next;
/// write the file (only if it did not change meanwhile); record the base when the push is
/// confirmed; commit file and base in one commit; push to the git remote. A sync with nothing to
/// do makes a single request, and without a git remote runs no git (git's identity is checked
/// right before the first step that may commit or write). A kill at any point leaves each file
/// old or new and the base never ahead of the pad, so the next sync converges.
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
  /// The realtime socket path (`pad.transport` realtime or auto); nil: the HTTP API only.
  public var realtime: RealtimePadTransport?

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
    let remote = options.dryRun ? nil : notebook.config.gitRemote.map { NotebookRemote(git: git, remote: $0) }
    // A pull can rebase and stash: it commits.
    if remote != nil { try await requireIdentity(git) }
    let unpushed = try await remote?.pull() ?? false

    if !options.dryRun {
      for path in [notePath, store.basePath, store.statePath] { AtomicFile.removeAbandonedTemporaries(besides: path) }
    }
    let original = try readNote()
    let local = try sections(original.bytes, source: relativeNote, localOnly: notebook.config.pad.localOnly)
    var state = store.loadState()
    let storedBase = store.loadBase(state: state)
    let storedBaseText: String? = if case .text(let text) = storedBase { text } else { nil }
    var baseText = storedBaseText
    let syncedBefore = storedBase != .none

    await client.useVersion(state.apiVersion)
    let remoteID = try await serverPadID(padID)
    var revision: Int
    var created = false
    do {
      revision = try await client.revisionsCount(remoteID)
    } catch .padMissing(let server) {
      if syncedBefore && !options.recreatePad {
        throw .refused(
          "the pad \(padID) was synced before but no longer exists on \(server); nothing was changed. "
            + "Use --recreate-pad to create it again from the file")
      }
      if options.dryRun {
        revision = -1
      } else {
        try await requireIdentity(git)
        try await client.createPad(remoteID)
        revision = try await client.revisionsCount(remoteID)
        created = true
        // A new pad shares no history with the file: nothing is known to be synced.
        baseText = nil
      }
    }
    checkpoint("after-revision")
    if !options.dryRun, let baseText, state.revision == revision, state.padMatchesBase, !state.uncommitted,
      state.writeRecord == nil, local.sections.allSatisfy(\.conflictBlocks.isEmpty), Self.padFacingText(local) == baseText
    {
      report.requests = await client.requestCount
      // Commits an earlier push could not deliver go out now.
      if let remote, unpushed { try await remote.push() }
      return report
    }
    if let known = state.revision, revision < known, revision >= 0, !created, !options.acceptPadReset {
      throw .refused(
        "the pad \(padID)'s revision count went back from \(known) to \(revision): it was recreated or "
          + "restored; nothing was changed. Use --accept-pad-reset to merge with it anyway")
    }
    var padText = ""
    // A socket write an earlier run left unconfirmed is told in the history by its author.
    let history = state.writeRecord.flatMap { $0.author != nil && $0.revision < revision ? $0.revision : nil }
    if revision >= 0, !options.dryRun, let read = try await realtime?.read(remoteID, historyAfter: history) {
      (padText, revision) = read
    } else if revision >= 0 {
      padText = try await client.text(remoteID, rev: revision)
    }
    checkpoint("after-read")
    if let baseText, !created, !options.acceptRemoteDeletion, Self.looksWiped(base: baseText, pad: padText) {
      throw .refused(
        "the pad \(padID) was emptied or lost most of its lines since the last sync; nothing was changed. "
          + "Use --accept-remote-deletion to take that deletion")
    }

    let mergeBase = try baseText.map { text throws(SyncError) in try sections(Array(text.utf8), source: "the base") }
    let inputs = Inputs(base: mergeBase, baseText: baseText, local: local, localBytes: original.bytes)
    // A write an earlier run made (killed, timed out, or its answer lost) is looked for in the
    // pad's history: every colleague's edit it overwrote is merged in again.
    if created || (state.writeRecord?.revision ?? 0) > revision { state.writeRecord = nil }
    let first = try await merged(inputs, headText: padText, revision: revision, record: state.writeRecord, padID: remoteID)
    if options.dryRun {
      report.outcome = .dryRun
      report.fileDiff = Self.diffLines(from: original.bytes, to: first.localBytes)
      report.padDiff = Self.diffLines(from: Array(padText.utf8), to: Array(first.padText.utf8))
      fill(&report, first)
      report.requests = await client.requestCount
      return report
    }
    checkpoint("after-merge")
    // Before anything is written: a commit would fail, so neither file nor pad is touched.
    try await requireIdentity(git)
    if let lock = Self.staleGitLock(from: notebook.root) { throw .gitLocked(path: lock) }
    var rounds = Rounds(merge: first, headText: padText, revision: revision)
    let pushFailure = await push(&rounds, inputs, padID: remoteID, state: &state, store: store)
    let merge = rounds.merge
    report.pushed = rounds.pushed

    fill(&report, merge)
    report.resolvedConflicts = state.conflicted && !merge.hasConflicts
    report.outcome = merge.hasConflicts ? .conflicts : (report.fromPad.isEmpty && report.toPad.isEmpty ? .unchanged : .synced)
    report.committed = try await record(
      rounds, original: original, storedBaseText: storedBaseText, state: &state, store: store,
      relativeNote: relativeNote, message: report.commitMessage)
    if report.outcome == .unchanged && report.resolvedConflicts && report.committed { report.outcome = .synced }
    if let remote, report.committed || unpushed { try await remote.push() }
    report.requests = await client.requestCount
    if let pushFailure { throw pushFailure }
    return report
  }

  // MARK: Steps

  /// Checks that git knows who commits, right before the first step that may commit or write: a
  /// sync with nothing to do runs no git at all.
  ///
  /// - Throws: ``SyncError/git(_:status:)`` with exit 78 and the two commands that fix it.
  private func requireIdentity(_ git: Git) async throws(SyncError) {
    do {
      _ = try await git.identity()
    } catch {
      throw .git(error.description, status: error.exitStatus)
    }
  }

  /// The pad's id on the server: `<group>$<pad>` when the notebook names a group (its id, or a
  /// mapper the server resolves once, cached), else the pad id itself.
  private func serverPadID(_ padID: String) async throws(SyncError) -> String {
    switch notebook.config.pad.group {
    case nil: return padID
    case .id(let group): return group + "$" + padID
    case .mapper(let mapper): return try await client.groupID(mapper: mapper) + "$" + padID
    }
  }

  /// What every merge of one sync starts from: the file as on disk and the base it descends from.
  private struct Inputs {
    /// The base (nil when unknown), as sections and as text.
    let base: NoteSections?
    let baseText: String?
    /// The file's side of the merge, and its bytes.
    let local: NoteSections
    let localBytes: [UInt8]
  }

  /// The state of the guarded write across its rounds.
  private struct Rounds {
    /// The merge to push and to write.
    var merge: NoteMerge
    /// The pad's head text as last seen.
    var headText: String
    /// The pad's head revision as last seen.
    var revision: Int
    /// Whether the pad is known to hold `merge.padText`.
    var confirmed = false
    /// Whether `setText` was called.
    var pushed = false
  }

  /// The merge of the file with the pad's head (`headText` at revision `head`).
  ///
  /// Without a write record, or when the record's write is not in the pad's history (it never
  /// landed, so every later revision is in the head), that is the merge of file and head against
  /// the base. When the write landed at revision k, what it overwrote (the pad at k-1 against the
  /// revision the merge read) is merged into the file that merge made, and that with the head
  /// against the written text, so that edits made after the write merge from it, not from an
  /// older base. A file edited since that run is then merged with the repaired pad text.
  private func merged(
    _ inputs: Inputs, headText: String, revision head: Int, record: SyncStore.WriteRecord?, padID: String
  ) async throws(SyncError) -> NoteMerge {
    let headSections = try padSections(headText)
    guard let record, head > record.revision else {
      return NoteMerge(base: inputs.base, local: inputs.local, pad: headSections)
    }
    var previous: String?
    var landed = false
    if let author = record.author, let authors = realtime?.revisionAuthors {
      // A socket write was rebased over the colleagues' edits before it (nothing overwritten):
      // it landed if a revision since is its author's.
      landed = ((record.revision + 1)...head).contains { authors[$0] == author }
    } else {
      // A setText write, or a socket write whose authors are unknown here (the socket is not
      // used this time): a revision holding exactly the text written.
      for revision in (record.revision + 1)...head {
        let text = revision == head ? headText : try await client.text(padID, rev: revision)
        if Self.samePadText(text, record.text) {
          landed = true
          break
        }
        previous = text
      }
      // A socket write overwrote nothing: the edits before it are in the head.
      if record.author != nil { previous = nil }
    }
    guard landed else { return NoteMerge(base: inputs.base, local: inputs.local, pad: headSections) }
    let localOnly = notebook.config.pad.localOnly, source = notebook.relativePath(notePath)
    var local = try sections(Array(record.local.utf8), source: source, localOnly: localOnly)
    var lostConflicts: [String] = [], lostFromPad: [String] = []
    if let previous {
      // Colleagues' edits between the read and the write, which the write overwrote.
      let read = try await client.text(padID, rev: record.revision)
      let overwritten = NoteMerge(base: try padSections(read), local: local, pad: try padSections(previous))
      lostConflicts = overwritten.newConflicts
      lostFromPad = overwritten.fromPad
      local = try sections(overwritten.localBytes, source: source, localOnly: localOnly)
    }
    var result = NoteMerge(base: try padSections(record.text), local: local, pad: headSections)
    let fileAsRecorded = inputs.localBytes == Array(record.file.utf8) || inputs.localBytes == Array(record.local.utf8)
    if !fileAsRecorded {
      // The file was edited since: merge it with the repaired pad text, from the base it had then.
      let base = try record.base.map { text throws(SyncError) in try sections(Array(text.utf8), source: "the base") }
      result = NoteMerge(base: base, local: inputs.local, pad: try padSections(result.padText))
    }
    for title in lostConflicts where !result.newConflicts.contains(title) { result.newConflicts.append(title) }
    for title in lostFromPad where !result.fromPad.contains(title) { result.fromPad.append(title) }
    return result
  }

  /// Pushes the merge when the pad's text differs, guarded and verified.
  ///
  /// Right before each `setText` the revision is checked (a colleague's edit since the read is
  /// merged first), and the write record is saved; right after, the revision is checked again
  /// (a colleague's edit that slipped in is merged from the pad's history). At most `maxRounds`
  /// writes. Returns the error that stopped it, if any (the merge in `rounds` is still written
  /// locally, and the record lets the next sync repair what this one could not).
  private func push(
    _ rounds: inout Rounds, _ inputs: Inputs, padID: String, state: inout SyncStore.State, store: SyncStore
  ) async -> SyncError? {
    var round = 1, rereads = 0
    do {
      while !Self.samePadText(rounds.merge.padText, rounds.headText) {
        if realtime?.isConnected != true {
          // The socket needs no guard: the server rebases the changeset over whatever came since.
          let current = try await client.revisionsCount(padID)
          checkpoint("after-guard")
          if current != rounds.revision {
            // A colleague typed since the read: merge the new head first (nothing was written yet,
            // or the record of the last write finds it).
            rereads += 1
            guard rereads <= options.maxRounds else { return .raceLost(attempts: rereads) }
            rounds.revision = current
            rounds.headText = try await client.text(padID, rev: current)
            rounds.merge = try await merged(
              inputs, headText: rounds.headText, revision: current, record: state.writeRecord, padID: padID)
            continue
          }
        }
        let record = SyncStore.WriteRecord(
          revision: rounds.revision, text: rounds.merge.padText, local: String(decoding: rounds.merge.localBytes, as: UTF8.self),
          file: String(decoding: inputs.localBytes, as: UTF8.self), base: inputs.baseText,
          author: realtime?.isConnected == true ? realtime?.authorID : nil)
        state.writeRecord = record
        try store.saveState(state)
        checkpoint("after-record")
        if let realtime, realtime.isConnected {
          // One changeset against the revision read; the server rebases it over colleagues' edits.
          let written = try await realtime.write(padID, rounds.merge.padText) { [checkpoint] in checkpoint("after-send") }
          rounds.pushed = true
          checkpoint("after-push")
          (rounds.headText, rounds.revision) = (written.text, written.revision)
          if Self.samePadText(written.text, rounds.merge.padText) { break }
          // The head holds colleagues' edits typed meanwhile, on top of ours: merge them into the file.
          let local = try sections(
            rounds.merge.localBytes, source: notebook.relativePath(notePath), localOnly: notebook.config.pad.localOnly)
          rounds.merge = NoteMerge(base: try padSections(rounds.merge.padText), local: local, pad: try padSections(written.text))
          guard round < options.maxRounds else { return .raceLost(attempts: round) }
          round += 1
          continue
        }
        try await client.setText(padID, rounds.merge.padText)
        rounds.pushed = true
        checkpoint("after-push")
        let after = try await client.revisionsCount(padID)
        if after == rounds.revision + 1 {
          rounds.revision = after
          rounds.headText = rounds.merge.padText
          break
        }
        // Somebody else wrote to the pad around our write: merge their edits from its history.
        rounds.revision = after
        rounds.headText = try await client.text(padID, rev: after)
        rounds.merge = try await merged(inputs, headText: rounds.headText, revision: after, record: record, padID: padID)
        guard round < options.maxRounds else {
          // Give up pushing, but keep the colleague's edit in the file: the next sync pushes it.
          return .raceLost(attempts: round)
        }
        round += 1
      }
      rounds.confirmed = true
      return nil
    } catch {
      return error
    }
  }

  /// Writes the merged file (if it did not change meanwhile), records the base when the push is
  /// confirmed, and commits both; returns whether a commit was made.
  ///
  /// The state says `uncommitted` from before the first write until the commit, so that a run
  /// killed in between has its files committed by the next one. A file holding conflict blocks is
  /// never committed (nor its base): the commit waits for the sync after the user resolves them.
  /// The write record is dropped only once the base it leads to is saved.
  private func record(
    _ rounds: Rounds, original: AtomicFile.Snapshot, storedBaseText: String?, state: inout SyncStore.State, store: SyncStore,
    relativeNote: String, message: String
  ) async throws(SyncError) -> Bool {
    let merge = rounds.merge
    var changedPaths: [String] = []
    if state.uncommitted { changedPaths += [relativeNote, store.baseRelativePath, store.ignoreRelativePath] }
    if merge.localBytes != original.bytes || rounds.confirmed && storedBaseText != merge.baseText {
      state.uncommitted = true
      try store.saveState(state)
    }
    if merge.localBytes != original.bytes {
      try writeNote(merge.localBytes, expecting: original)
      changedPaths.append(relativeNote)
      checkpoint("after-write")
    }
    if rounds.confirmed {
      let newBase = merge.baseText
      if storedBaseText != newBase {
        try store.saveBase(newBase)
        // The note goes in with its base (a local edit pushed leaves the file as it is): a clone
        // or the notebook's remote then holds a note and a base that agree.
        changedPaths += [store.baseRelativePath, store.ignoreRelativePath, relativeNote]
      }
      state.revision = rounds.revision
      state.padMatchesBase = Self.samePadText(newBase, merge.padText)
      state.baseChecksum = nil
      state.writeRecord = nil
      state.apiVersion = await client.apiVersion
      try store.saveState(state)
      checkpoint("after-base")
    }
    let conflicted = !NoteSections.conflictLines(in: merge.localBytes).isEmpty
    if conflicted != state.conflicted {
      state.conflicted = conflicted
      try store.saveState(state)
    }
    guard !changedPaths.isEmpty, !conflicted else { return false }
    let existing = changedPaths.filter {
      FileManager.default.fileExists(atPath: (notebook.root as NSString).appendingPathComponent($0))
    }
    let committed = try await commit(Git(directory: notebook.root), paths: Array(Set(existing)).sorted(), message: message)
    checkpoint("after-commit")
    state.uncommitted = false
    try store.saveState(state)
    return committed
  }

  private func fill(_ report: inout SyncReport, _ merge: NoteMerge) {
    report.fromPad = merge.fromPad
    report.toPad = merge.toPad
    report.conflicts = merge.newConflicts
    report.conflictLines = NoteSections.conflictLines(in: merge.localBytes)
  }

  private func readNote() throws(SyncError) -> AtomicFile.Snapshot {
    do {
      return try AtomicFile.snapshot(notePath)
    } catch {
      throw .fileSystem(path: notebook.relativePath(notePath), message: error.description)
    }
  }

  private func writeNote(_ bytes: [UInt8], expecting original: AtomicFile.Snapshot) throws(SyncError) {
    do {
      // Checked right before the rename: an editor's save is never overwritten.
      try AtomicFile.write(bytes, to: notePath, expecting: original)
    } catch .changedOnDisk {
      throw .changedDuringSync(path: notebook.relativePath(notePath))
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
    if let lock = Self.staleGitLock(from: notebook.root) { throw .gitLocked(path: lock) }
    do {
      return try await git.commit(paths: paths, message: message)
    } catch {
      throw .git(error.description, status: error.exitStatus)
    }
  }

  // MARK: Pure helpers

  /// The `index.lock` of the git repository holding `folder`, if it exists (a running or killed git).
  static func staleGitLock(from folder: String) -> String? {
    var directory = URL(fileURLWithPath: folder).standardizedFileURL
    while true {
      let dotGit = directory.appendingPathComponent(".git").path
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) {
        var gitDirectory = dotGit
        if !isDirectory.boolValue, let text = try? String(contentsOfFile: dotGit, encoding: .utf8), text.hasPrefix("gitdir:") {
          let target = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
          gitDirectory = target.hasPrefix("/") ? target : directory.appendingPathComponent(target).path
        }
        let lock = (gitDirectory as NSString).appendingPathComponent("index.lock")
        return FileManager.default.fileExists(atPath: lock) ? lock : nil
      }
      let parent = directory.deletingLastPathComponent()
      if parent.path == directory.path { return nil }
      directory = parent
    }
  }

  /// The text the file would give the pad: every section but local-only ones, in pad form.
  static func padFacingText(_ sections: NoteSections) -> String {
    let forms = sections.text.padForm
    var bytes: [UInt8] = []
    bytes.reserveCapacity(forms.bytes.count + 1)
    for section in sections.sections where !section.isLocalOnly {
      forms.appendContents(section.lines, ending: [0x0A], to: &bytes)
    }
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
    var table: [ArraySlice<UInt8>: Int] = [:]
    func codes(_ text: SyncText) -> [Int] {
      let forms = text.padForm
      return forms.lines.indices.map { line in
        let form = forms.content(line)
        if let value = table[form] { return value }
        table[form] = table.count
        return table.count - 1
      }
    }
    let oldCodes = codes(oldText), newCodes = codes(newText)
    var result: [String] = []
    for hunk in LineDiff.diff(oldCodes, newCodes) {
      result += hunk.old.map { "-" + String(decoding: oldText.content($0), as: UTF8.self) }
      result += hunk.new.map { "+" + String(decoding: newText.content($0), as: UTF8.self) }
    }
    return result
  }
}

extension NoteSections {
  /// The 1-based lines where the conflict blocks in `bytes` start (none for text that is not UTF-8).
  public static func conflictLines(in bytes: [UInt8]) -> [Int] {
    guard let sections = try? NoteSections(bytes: bytes) else { return [] }
    return sections.sections.flatMap { $0.conflictBlocks.map { $0.lowerBound + 1 } }
  }
}
