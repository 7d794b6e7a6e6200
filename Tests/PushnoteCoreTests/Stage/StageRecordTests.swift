import PushnoteCore
import Testing

/// The timeline line of a job's result, written and read back.
@Suite struct StageRecordTests {
  @Test(arguments: [
    (0, "0s"), (42, "42s"), (60, "1m 00s"), (125, "2m 05s"), (3599, "59m 59s"), (3600, "1h 00m 00s"), (3725, "1h 02m 05s"),
  ])
  func durationsAreWrittenAndReadBack(seconds: Int, text: String) {
    #expect(StageRecord.duration(seconds) == text)
    #expect(StageRecord.seconds(text) == seconds)
  }

  @Test(arguments: ["", "5", "5m", "1h 5s", "2m05s", "s", "-3s", "1x 2s", "1h 2m 3s 4s"])
  func otherTextIsNotADuration(text: String) {
    #expect(StageRecord.seconds(text) == nil)
  }

  @Test func theEventReadsBackWhateverTheJobIsCalled() {
    for job in ["bazaar-stage-api", "web/deploy api", "deploy in stage", "stage", "a SUCCESS in 5s"] {
      for result in StageJobResult.allCases {
        let record = StageRecord(job: job, tag: "2026.12.01-2", result: result, durationSeconds: 3725)
        #expect(StageRecord(event: record.event) == record, "\(record.event)")
      }
    }
    #expect(
      StageRecord(job: "bazaar-stage-api", tag: "2026.12.01", result: .success, durationSeconds: 125).event
        == "stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s")
  }

  @Test(arguments: [
    "stage deploy started", "stage deploy finished", "stage bazaar 2026.12.01 SUCCESS", "stage 2026.12.01 SUCCESS in 5s",
    "stage api 2026-12-01 SUCCESS in 5s", "stage api 2026.12.01 PASSED in 5s", "stage api 2026.12.01 SUCCESS in soon",
    "Stage api 2026.12.01 SUCCESS in 5s", "push started",
  ])
  func otherTimelineTextIsNotARecord(event: String) {
    #expect(StageRecord(event: event) == nil)
  }

  @Test func onlySuccessGoesOn() {
    #expect(StageJobResult.allCases.filter(\.succeeded) == [.success])
  }
}
