import Foundation
import Yams

/// A notebook's `pushnote.yml`: the team's product, schedule, pad, repositories, rotation and mail.
///
/// It is tracked in git and holds no secrets. Every key is optional except as noted; unknown keys
/// and wrong types are errors naming the line and column. `docs/config.md` documents each key.
public struct NotebookConfig: Sendable, Equatable {
  /// The product's name, used in titles and mail subjects.
  public var product: String = "Marketplace"
  /// The team's time zone; times without a zone in notes are read in it.
  public var timeZone: TimeZone = TimeZone(identifier: "America/Los_Angeles") ?? .current
  /// When the push happens: a Tuesday at 11:00 by default.
  public var push = Schedule(weekday: .tuesday, time: .eleven)
  /// When the repositories are tagged: the Friday before the push at 11:00 by default.
  public var tag = Schedule(weekday: .friday, time: .eleven)
  /// The Etherpad server and how pads are named.
  public var pad = PadConfig()
  /// The repositories tagged and linked, in order.
  public var repositories: [RepositoryConfig] = []
  /// The Jenkins stage deploy, if the team uses one.
  public var stage: StageConfig?
  /// Release managers in turn, one a push week.
  public var rotation: [String] = []
  /// Who stands in on a given push date instead of the rotation.
  public var swaps: [PushDate: String] = [:]
  /// Push dates on which nobody pushes; the rotation does not advance over them.
  public var skips: [PushDate] = []
  /// People by handle.
  public var people: [String: Person] = [:]
  /// The announcement mail.
  public var mail = MailConfig()
  /// The notebook's own git remote, pulled before and pushed after a sync; nil for none.
  public var gitRemote: String?
  /// How long the push lasts in the duty calendar, in minutes.
  public var pushDurationMinutes = 120
  /// The team's channels (IRC, Matrix, Slack) told about the push.
  public var chat = ChatConfig()

  /// The defaults, as a notebook without `pushnote.yml` gets them.
  public init() {}

  /// A weekday and a time of day.
  public struct Schedule: Sendable, Equatable {
    /// The day of the week.
    public var weekday: Weekday
    /// The time of day in the team's zone.
    public var time: TimeOfDay

    /// Creates a schedule.
    public init(weekday: Weekday, time: TimeOfDay) {
      self.weekday = weekday
      self.time = time
    }
  }

  /// The week's pad.
  public struct PadConfig: Sendable, Equatable {
    /// The Etherpad server's base URL; `PUSHNOTE_PAD_URL` overrides it.
    public var url: String?
    /// The pad id's prefix: `mkt-` gives `mkt-2026-12-01`.
    public var prefix = "mkt-"
    /// Section titles that are never pushed to the pad.
    public var localOnly: [String] = []
    /// Allow sending credentials over plain http to a host that is not loopback.
    public var allowInsecureHTTP = false
    /// How sync writes the pad (`pad.transport`).
    public var transport = Transport.auto
    /// The Etherpad group the pads belong to (`pad.group` or `pad.group_mapper`); nil: public pads.
    public var group: Group?

    /// A group of pads (`g.…$<pad>` on the server), reached over the socket with a session.
    public enum Group: Sendable, Equatable {
      /// The group's id, `g.` and 16 letters or digits (`pad.group`).
      case id(String)
      /// A name the server maps to its group with `createGroupIfNotExistsFor` (`pad.group_mapper`).
      case mapper(String)
    }

    /// `auto` (realtime where the server allows the socket, else the API), `realtime`
    /// (socket.io changesets), `api` (HTTP setText).
    public enum Transport: String, Sendable, Equatable {
      case auto, realtime, api
    }
  }

  /// One repository that is tagged each week.
  public struct RepositoryConfig: Sendable, Equatable {
    /// `OWNER/NAME`, as in compare links.
    public var name: String
    /// Where to fetch and push: any git URL or a local path.
    public var git: String?
    /// The web address compare and commit links are built from.
    public var web: String?
    /// The branch that is tagged.
    public var branch = "master"
    /// Glob patterns of migration files.
    public var migrations: [String] = []
    /// A local clone to use instead of one pushnote manages.
    public var clone: String?

    /// The web address, by default GitHub's for the name.
    public var webURL: String { web ?? "https://github.com/\(name)" }
  }

  /// Jenkins jobs that deploy the tag to stage, in order.
  public struct StageConfig: Sendable, Equatable {
    /// The Jenkins server's base URL.
    public var jenkins: String
    /// The jobs, run one after the other.
    public var jobs: [Job]

    /// One Jenkins job.
    public struct Job: Sendable, Equatable {
      /// The job's name; folders as `folder/job`.
      public var name: String
      /// The repository whose tag it deploys.
      public var repository: String
      /// The build parameter that carries the tag.
      public var parameter = "DeployRef"
    }
  }

  /// A person the notebook knows.
  public struct Person: Sendable, Equatable {
    /// `qa`, `ops`, `rm` or anything else.
    public var role: String?
    /// A mail address.
    public var email: String?
    /// The full name, for mail headers.
    public var name: String?
  }

  /// How the announcement is addressed and sent.
  public struct MailConfig: Sendable, Equatable {
    /// The sender; git's user when absent.
    public var from: String?
    /// The list.
    public var to: [String] = []
    /// Copies.
    public var cc: [String] = []
    /// Where replies go.
    public var replyTo: String?
    /// The subject pattern (Mustache); nil for the default.
    public var subject: String?
    /// A pattern giving the note's web address (Mustache, with `path`, `date`, `pad`); nil for none.
    public var noteURL: String?
    /// `sendmail` (default) or an `smtp://host:port` URL.
    public var transport: String?
    /// The sendmail-compatible program.
    public var sendmail = "/usr/sbin/sendmail"
  }
}

extension NotebookConfig {
  /// Reads `pushnote.yml` text.
  ///
  /// - Parameters:
  ///   - text: the file's content.
  ///   - path: the file's path, for messages.
  /// - Throws: ``NotebookError/configuration(path:line:column:message:)`` for a syntax error, an
  ///   unknown key, a wrong type or a value out of range.
  public init(yaml text: String, path: String) throws(NotebookError) {
    self.init()
    let reader = YAMLReader(path: path)
    guard let root = try reader.compose(text) else { return }
    let keys: Set<String> = [
      "product", "timezone", "push", "tag", "pad", "repositories", "stage", "rotation", "swaps", "skips",
      "people", "mail", "git", "calendar", "chat",
    ]
    for (key, keyNode, value) in try reader.mapping(root, allowed: keys, what: "pushnote.yml") {
      switch key {
      case "product": product = try reader.string(value, what: "product")
      case "timezone":
        let name = try reader.string(value, what: "timezone")
        guard let zone = TimeZone(identifier: name), name.contains("/") || name == "UTC" else {
          throw reader.error(value, "unknown time zone '\(name)' (an IANA name such as America/Los_Angeles; is tzdata installed?)")
        }
        timeZone = zone
      case "push": push = try Self.schedule(value, reader: reader, what: "push", default: push)
      case "tag": tag = try Self.schedule(value, reader: reader, what: "tag", default: tag)
      case "pad": pad = try Self.pad(value, reader: reader)
      case "repositories":
        repositories = []
        for node in try reader.sequence(value, what: "repositories") {
          let repository = try Self.repository(node, reader: reader)
          if repositories.contains(where: { $0.name == repository.name }) {
            throw reader.error(node, "repository \(repository.name) is listed twice")
          }
          repositories.append(repository)
        }
      case "stage": stage = try Self.stage(value, reader: reader)
      case "rotation": rotation = try reader.strings(value, what: "rotation")
      case "swaps":
        for (date, dateNode, person) in try reader.mapping(value, allowed: nil, what: "swaps") {
          guard let day = PushDate(date) else { throw reader.error(dateNode, "swap key '\(date)' is not a date (YYYY-MM-DD)") }
          swaps[day] = try reader.string(person, what: "the person of a swap")
        }
      case "skips":
        skips = []
        for node in try reader.sequence(value, what: "skips") {
          guard let day = PushDate(try reader.string(node, what: "a skipped date")) else {
            throw reader.error(node, "a skipped date must be YYYY-MM-DD")
          }
          skips.append(day)
        }
      case "people":
        for (handle, _, node) in try reader.mapping(value, allowed: nil, what: "people") {
          var person = Person()
          for (field, _, fieldValue) in try reader.mapping(node, allowed: ["role", "email", "name"], what: "person \(handle)") {
            let text = try reader.string(fieldValue, what: field)
            switch field {
            case "role":
              guard Self.roles.contains(text) else {
                throw reader.error(fieldValue, "unknown role '\(text)' (known: \(Self.roles.sorted().joined(separator: ", ")))")
              }
              person.role = text
            case "email": person.email = text
            default: person.name = text
            }
          }
          people[handle] = person
        }
      case "mail": mail = try Self.mail(value, reader: reader)
      case "git":
        for (_, _, remote) in try reader.mapping(value, allowed: ["remote"], what: "git") {
          gitRemote = try reader.string(remote, what: "git.remote")
        }
      case "calendar":
        for (_, _, minutes) in try reader.mapping(value, allowed: ["push_duration_minutes"], what: "calendar") {
          pushDurationMinutes = try reader.integer(minutes, what: "calendar.push_duration_minutes")
          guard pushDurationMinutes > 0 else { throw reader.error(minutes, "calendar.push_duration_minutes must be positive") }
        }
      case "chat": chat = try ChatConfig(value, reader: reader)
      default: throw reader.error(keyNode, "unknown key '\(key)'")
      }
    }
    try validate(reader: reader, root: root)
  }

  /// The roles a person of `people` may have.
  public static let roles: Set<String> = ["qa", "ops", "rm"]

  /// Checks what only the whole file can tell: the rotation names people once, swaps name people
  /// of the rotation, swaps and skips fall on push days, stage jobs deploy configured repositories.
  private func validate(reader: YAMLReader, root: Node) throws(NotebookError) {
    guard case .mapping(let mapping) = root else { return }
    for (keyNode, value) in mapping where keyNode.string == "stage" {
      guard case .mapping(let stageFields) = value else { continue }
      for (field, jobs) in stageFields where field.string == "jobs" {
        guard case .sequence(let jobNodes) = jobs else { continue }
        for job in jobNodes {
          guard case .mapping(let fields) = job else { continue }
          for (name, repositoryNode) in fields where name.string == "repository" {
            let repository = repositoryNode.string ?? ""
            if !repositories.contains(where: { $0.name == repository }) {
              let known = repositories.map(\.name).joined(separator: ", ")
              throw reader.error(
                repositoryNode, "stage job repository '\(repository)' is not in repositories (\(known.isEmpty ? "none configured" : known))"
              )
            }
          }
        }
      }
    }
    for (keyNode, value) in mapping where keyNode.string == "rotation" {
      guard case .sequence(let names) = value else { continue }
      if names.isEmpty { throw reader.error(value, "the rotation is empty; name the release managers in turn") }
      var seen: Set<String> = []
      for name in names where !seen.insert(name.string ?? "").inserted {
        throw reader.error(name, "'\(name.string ?? "")' is in the rotation twice")
      }
    }
    for (keyNode, value) in mapping where keyNode.string == "skips" {
      guard case .sequence(let dates) = value else { continue }
      for dateNode in dates {
        if let day = PushDate(dateNode.string ?? ""), day.weekday != push.weekday {
          throw reader.error(dateNode, "skipped date \(day) is a \(day.weekday.name), not a push day (\(push.weekday.name))")
        }
      }
    }
    for (keyNode, value) in mapping where keyNode.string == "swaps" {
      guard case .mapping(let swapNodes) = value else { continue }
      for (dateNode, personNode) in swapNodes {
        let person = personNode.string ?? ""
        if !rotation.contains(person) {
          throw reader.error(personNode, "swap on \(dateNode.string ?? "") names '\(person)', who is not in the rotation")
        }
        if let day = PushDate(dateNode.string ?? ""), day.weekday != push.weekday {
          throw reader.error(dateNode, "swap date \(day) is a \(day.weekday.name), not a push day (\(push.weekday.name))")
        }
      }
    }
  }

  private static func schedule(_ node: Node, reader: YAMLReader, what: String, default value: Schedule) throws(NotebookError) -> Schedule {
    var result = value
    for (key, _, field) in try reader.mapping(node, allowed: ["weekday", "time"], what: what) {
      let text = try reader.string(field, what: "\(what).\(key)")
      if key == "weekday" {
        guard let weekday = Weekday(name: text) else { throw reader.error(field, "'\(text)' is not a weekday") }
        result.weekday = weekday
      } else {
        guard let time = TimeOfDay(text) else { throw reader.error(field, "'\(text)' is not a time (HH:MM, 24-hour)") }
        result.time = time
      }
    }
    return result
  }

  private static func pad(_ node: Node, reader: YAMLReader) throws(NotebookError) -> PadConfig {
    var pad = PadConfig()
    let allowed: Set<String> = ["url", "prefix", "local_only", "allow_insecure_http", "transport", "group", "group_mapper"]
    for (key, _, value) in try reader.mapping(node, allowed: allowed, what: "pad") {
      switch key {
      case "url": pad.url = try reader.string(value, what: "pad.url")
      case "prefix":
        pad.prefix = try reader.string(value, what: "pad.prefix")
        let allowed = pad.prefix.utf8.allSatisfy { ASCII.isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard allowed, pad.prefix.utf8.count <= 40, pad.prefix != ".", pad.prefix != ".." else {
          throw reader.error(
            value, "pad.prefix '\(pad.prefix)' may hold only letters, digits, '.', '_' and '-', at most 40 (it names note files)")
        }
      case "local_only": pad.localOnly = try reader.strings(value, what: "pad.local_only")
      case "transport":
        let text = try reader.string(value, what: "pad.transport")
        guard let transport = PadConfig.Transport(rawValue: text) else {
          throw reader.error(value, "pad.transport is '\(text)'; it must be auto, realtime or api")
        }
        pad.transport = transport
      case "group", "group_mapper":
        let text = try reader.string(value, what: "pad.\(key)")
        if pad.group != nil { throw reader.error(value, "pad.group and pad.group_mapper name the group twice; keep one") }
        if key == "group_mapper" {
          guard !text.isEmpty else { throw reader.error(value, "pad.group_mapper is empty") }
          pad.group = .mapper(text)
        } else {
          guard EtherpadClient.isGroupID(text) else {
            throw reader.error(value, "pad.group is '\(text)'; a group id is 'g.' and 16 letters or digits (or use pad.group_mapper)")
          }
          pad.group = .id(text)
        }
      default: pad.allowInsecureHTTP = try reader.boolean(value, what: "pad.allow_insecure_http")
      }
    }
    if let url = pad.url, url.contains("@") || url.contains("apikey") {
      throw reader.error(node, "pad.url must not carry credentials; set PUSHNOTE_PAD_APIKEY in the environment")
    }
    return pad
  }

  private static func repository(_ node: Node, reader: YAMLReader) throws(NotebookError) -> RepositoryConfig {
    let fields = try reader.mapping(node, allowed: ["name", "git", "web", "branch", "migrations", "clone"], what: "a repository")
    guard let nameField = fields.first(where: { $0.key == "name" }) else {
      throw reader.error(node, "a repository needs a name (OWNER/NAME)")
    }
    let name = try reader.string(nameField.value, what: "repository name")
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else {
      throw reader.error(nameField.value, "repository name '\(name)' is not OWNER/NAME")
    }
    var repository = RepositoryConfig(name: name)
    for (key, _, value) in fields where key != "name" {
      switch key {
      case "git": repository.git = try reader.string(value, what: "git")
      case "web": repository.web = try reader.string(value, what: "web").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
      case "branch": repository.branch = try reader.string(value, what: "branch")
      case "migrations": repository.migrations = try reader.strings(value, what: "migrations")
      default: repository.clone = try reader.string(value, what: "clone")
      }
    }
    return repository
  }

  private static func stage(_ node: Node, reader: YAMLReader) throws(NotebookError) -> StageConfig {
    var jenkins: String?
    var jobs: [StageConfig.Job] = []
    for (key, _, value) in try reader.mapping(node, allowed: ["jenkins", "jobs"], what: "stage") {
      if key == "jenkins" {
        jenkins = try reader.string(value, what: "stage.jenkins")
        continue
      }
      for jobNode in try reader.sequence(value, what: "stage.jobs") {
        var name: String?
        var repository: String?
        var parameter = "DeployRef"
        for (field, _, fieldValue) in try reader.mapping(jobNode, allowed: ["name", "repository", "parameter"], what: "a stage job") {
          let text = try reader.string(fieldValue, what: field)
          switch field {
          case "name": name = text
          case "repository": repository = text
          default: parameter = text
          }
        }
        guard let name, let repository else { throw reader.error(jobNode, "a stage job needs a name and a repository") }
        jobs.append(StageConfig.Job(name: name, repository: repository, parameter: parameter))
      }
    }
    guard let jenkins else { throw reader.error(node, "stage needs jenkins: URL") }
    return StageConfig(jenkins: jenkins, jobs: jobs)
  }

  private static func mail(_ node: Node, reader: YAMLReader) throws(NotebookError) -> MailConfig {
    var mail = MailConfig()
    let keys: Set<String> = ["from", "to", "cc", "reply_to", "subject", "note_url", "transport", "sendmail"]
    for (key, _, value) in try reader.mapping(node, allowed: keys, what: "mail") {
      switch key {
      case "from": mail.from = try reader.string(value, what: "mail.from")
      case "to": mail.to = try reader.strings(value, what: "mail.to")
      case "cc": mail.cc = try reader.strings(value, what: "mail.cc")
      case "reply_to": mail.replyTo = try reader.string(value, what: "mail.reply_to")
      case "subject": mail.subject = try reader.string(value, what: "mail.subject")
      case "note_url": mail.noteURL = try reader.string(value, what: "mail.note_url")
      case "transport": mail.transport = try reader.string(value, what: "mail.transport")
      default: mail.sendmail = try reader.string(value, what: "mail.sendmail")
      }
    }
    return mail
  }
}
