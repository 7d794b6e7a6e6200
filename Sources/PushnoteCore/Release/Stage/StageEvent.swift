/// What a stage deploy reports while it runs, for a live line per job.
public enum StageEvent: Sendable, Equatable {
  /// `--resume`: the note already records this job's tag as deployed.
  case skipped(job: String, tag: String)
  /// The job is being triggered.
  case triggering(job: String, tag: String)
  /// Its queue item is waiting, with Jenkins' reason; `elapsed` since the trigger.
  case queued(job: String, why: String?, elapsed: Duration)
  /// Its build runs; `elapsed` since the trigger.
  case building(job: String, number: Int?, elapsed: Duration)
  /// It ended.
  case finished(StageReport.Job)
}
