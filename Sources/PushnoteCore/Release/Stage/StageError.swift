/// Why a stage deploy could not start or could not go on.
///
/// A job that ran and failed is not an error: it is a result in the ``StageReport`` (exit 1).
public enum StageError: PushnoteError, Equatable {
  /// pushnote.yml has no `stage:` with a Jenkins URL and at least one job.
  case notConfigured
  /// `stage.jenkins` is not an absolute http(s) URL, carries credentials or a query, or is plain http
  /// to a host that is not loopback. The URL is given masked (``ServerURL/masked(_:)``).
  case invalidJenkinsURL(String, reason: String)
  /// `--only` named a project that is neither a job nor a repository of `stage.jobs`.
  case unknownProject(String, known: [String])
  /// The note names no tag for the repository of a job (no compare link, cherry-pick tag, `Tag:` or
  /// date), or only the date tag while other repositories went on to repeat tags.
  case noTag(job: String, repository: String)
  /// The credentials file is unsafe or unreadable: readable by others, inside the notebook, malformed.
  case credentialsFile(path: String, problem: String)
  /// The environment has only one of `PUSHNOTE_JENKINS_USER` and `PUSHNOTE_JENKINS_TOKEN`.
  case incompleteCredentials(missing: String)
  /// Jenkins rejected the credentials, or asks for some (HTTP 401, or 403 that is not about a crumb).
  case credentialsRejected(status: Int, url: String)
  /// Jenkins could not be reached (refused, dropped, timed out), after retries.
  case unreachable(url: String, reason: String)
  /// Jenkins kept answering with a server error (5xx), after retries.
  case serverError(status: Int, url: String)
  /// A job of pushnote.yml does not exist on the Jenkins server (HTTP 404).
  case jobNotFound(job: String, url: String)
  /// Jenkins answered something the remote API does not (an unexpected status, no queue location, bad JSON).
  case unexpectedResponse(url: String, detail: String)
  /// A job stayed in the queue, or kept building, longer than allowed.
  case timedOut(job: String, phase: String, seconds: Int)

  public var exitStatus: ExitStatus {
    switch self {
    case .notConfigured, .invalidJenkinsURL, .credentialsFile, .incompleteCredentials, .jobNotFound: return .configuration
    case .unknownProject: return .usage
    case .noTag: return .dataError
    case .credentialsRejected: return .permission
    case .unreachable, .serverError, .timedOut: return .temporaryFailure
    case .unexpectedResponse: return .unavailable
    }
  }

  public var description: String {
    switch self {
    case .notConfigured:
      return "pushnote.yml has no stage deploy: add stage: {jenkins: URL, jobs: [{name: JOB, repository: OWNER/NAME}]}"
    case .invalidJenkinsURL(let url, let reason):
      return "stage.jenkins '\(url)' \(reason)"
    case .unknownProject(let project, let known):
      return "'\(project)' is not a stage job or repository; known: \(known.joined(separator: ", "))"
    case .noTag(let job, let repository):
      return "the note names no tag of this push for \(repository) (job \(job)), and the date tag may be behind "
        + "its repeat tags: add its compare link (WEB/compare/FROM...TAG) or check stage.jobs in pushnote.yml"
    case .credentialsFile(let path, let problem):
      return "\(path): \(problem)"
    case .incompleteCredentials(let missing):
      return "\(missing) is not set; set both PUSHNOTE_JENKINS_USER and PUSHNOTE_JENKINS_TOKEN, or neither"
    case .credentialsRejected(let status, let url):
      return "Jenkins refused the credentials (HTTP \(status)) at \(url); check PUSHNOTE_JENKINS_USER and PUSHNOTE_JENKINS_TOKEN"
    case .unreachable(let url, let reason):
      return "cannot reach Jenkins at \(url): \(reason); nothing was recorded as deployed, try again later"
    case .serverError(let status, let url):
      return "Jenkins answered HTTP \(status) at \(url) after retries; try again later"
    case .jobNotFound(let job, let url):
      return "Jenkins has no job '\(job)' (HTTP 404 at \(url)); check stage.jobs in pushnote.yml"
    case .unexpectedResponse(let url, let detail):
      return "unexpected answer from Jenkins at \(url): \(detail)"
    case .timedOut(let job, let phase, let seconds):
      return "\(job) was still \(phase) after \(seconds)s; look at Jenkins, then run again with --resume"
    }
  }
}
