import Foundation

extension Note {
  /// The note as `pushnote show --json` prints it (documented in docs/json.md), with a final newline.
  public func json() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

  /// The bytes of ``json()``, from the one JSON writer.
  public func jsonBytes() -> [UInt8] { JSONWriter.bytes(self) }
}

// The JSON of docs/json.md: every key written, unknown values as `null`, so that the shape never
// changes; keys in order.

extension Note: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("cherry_picks", cherryPicks)
    fields.field("compare", compare)
    fields.field("date", date?.iso)
    fields.field("duration_seconds", durationSeconds)
    fields.field("file", file)
    fields.field("flags", flags)
    fields.field("migrations", migrations)
    fields.field("pad", pad)
    fields.field("people", people)
    fields.field("problems", problems)
    fields.field("pushes", pushes)
    fields.field("sections", sections)
    fields.field("signoffs", signoffs)
    fields.field("tag", tag)
    fields.field("timeline", timeline)
    fields.field("title", title)
  }
}

extension Note.People: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("ops", ops)
    fields.field("qa", qa)
    fields.field("release_manager", releaseManager)
  }
}

extension Note.Section: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("items", items)
    fields.field("level", level)
    fields.field("line", line)
    fields.field("progress", progress)
    fields.field("title", title)
  }
}

extension Note.Progress: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("done", done)
    fields.field("total", total)
  }
}

extension Note.ChecklistItem: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("line", line)
    fields.field("state", state.rawValue)
    fields.field("text", text)
  }
}

extension Note.CompareLink: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("from", from)
    fields.field("line", line)
    fields.field("repo", repo)
    fields.field("to", to)
    fields.field("url", url)
  }
}

extension Note.CherryPick: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("done", done)
    fields.field("line", line)
    fields.field("repo", repo)
    fields.field("sha", sha)
    fields.field("tag", tag)
    fields.field("url", url)
  }
}

extension Note.Flag: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("desired", desired)
    fields.field("done", done)
    fields.field("kind", kind)
    fields.field("line", line)
    fields.field("name", name)
  }
}

extension Note.Migration: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("done", done)
    fields.field("line", line)
    fields.field("repo", repo)
    fields.field("text", text)
  }
}

extension Note.Signoff: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("at", at)
    fields.field("done", done)
    fields.field("line", line)
    fields.field("name", name)
    fields.field("role", role)
  }
}

extension Note.TimelineEntry: JSONObject {
  /// `approximate` only when true, so that a note without approximate times reads as before.
  public func writeFields(to fields: inout JSONFields) {
    if approximate { fields.field("approximate", true) }
    fields.field("at", at)
    fields.field("event", event)
    fields.field("line", line)
  }
}

extension Note.Problem: JSONObject {
  public func writeFields(to fields: inout JSONFields) {
    fields.field("column", column)
    fields.field("line", line)
    fields.field("message", message)
    fields.field("severity", severity.rawValue)
  }
}
