/// The model as the templates see it: snake_case names, absent values left out so that
/// `{{#name}}...{{/name}}` shows only what the note has; `has_<list>` says whether a list has items. `docs/mail.md` documents every name.
extension MailModel {
  /// The values of `templates/mail.txt`, `templates/handover.txt` and the subject pattern.
  public var templateContext: [String: Any] {
    var context: [String: Any] = [
      "product": product, "date": date.iso, "weekday": date.weekday.name, "title": title, "pad": pad,
      "tag": tags.first ?? "", "tags": tags, "pushes": tags.count, "pushes_text": pushesText, "repeated": tags.count > 1,
      "repeats": repeats.map {
        ["tag": $0.tag, "cherry_picks": $0.cherryPicks.map(\.templateContext), "has_cherry_picks": !$0.cherryPicks.isEmpty] as [String: Any]
      },
      "cherry_picks": cherryPicks.map(\.templateContext),
      "compare": compare.map { ["repo": $0.repo, "from": $0.from, "to": $0.to, "url": $0.url] },
      "summary": summary, "shipped": shipped, "nothing_shipped": shipped.isEmpty, "blockers": blockers,
      "follow_ups": followUps.map { ["text": $0.text, "done": $0.done] as [String: Any] }, "open_follow_ups": openFollowUps,
      "migrations": migrations.map { migration -> [String: Any] in
        var values: [String: Any] = ["text": migration.text, "done": migration.done]
        values["repo"] = migration.repo
        return values
      },
      "flags": flags.map { flag -> [String: Any] in
        var values: [String: Any] = ["name": flag.name, "kind": flag.kind, "done": flag.done]
        values["desired"] = flag.desired
        return values
      },
      "signoffs": signoffs.map { signoff -> [String: Any] in
        var values: [String: Any] = ["role": signoff.role]
        values["name"] = signoff.name
        values["at"] = signoff.at
        return values
      },
      "note_path": notePath,
      "next": next.templateContext,
    ]
    let lists: [(String, Bool)] = [
      ("compare", compare.isEmpty), ("shipped", shipped.isEmpty), ("blockers", blockers.isEmpty),
      ("migrations", migrations.isEmpty), ("flags", flags.isEmpty), ("follow_ups", followUps.isEmpty),
      ("open_follow_ups", openFollowUps.isEmpty), ("signoffs", signoffs.isEmpty), ("cherry_picks", cherryPicks.isEmpty),
    ]
    for (name, isEmpty) in lists { context["has_" + name] = !isEmpty }
    context["release_manager"] = releaseManager
    context["qa"] = qa
    context["ops"] = ops
    context["duration"] = duration
    context["duration_minutes"] = durationMinutes
    context["started_at"] = startedAt
    context["ended_at"] = endedAt
    context["note_url"] = noteURL
    return context
  }
}

extension MailModel.CherryPick {
  /// `repo`, `sha`, `short_sha`, `url`, `tag`.
  var templateContext: [String: Any] {
    var values: [String: Any] = ["repo": repo, "sha": sha, "short_sha": shortSHA, "url": url]
    values["tag"] = tag
    return values
  }
}

extension MailModel.NextWeek {
  /// `date`, `weekday`, `tag_date`, `tag_weekday`, `release_manager`, `release_manager_name`,
  /// `email`, `note_path`, `note_exists`, `note_url`.
  var templateContext: [String: Any] {
    var values: [String: Any] = [
      "date": date.iso, "weekday": date.weekday.name, "tag_date": tagDate.iso, "tag_weekday": tagDate.weekday.name,
      "note_path": notePath, "note_exists": noteExists,
    ]
    values["release_manager"] = releaseManager
    values["release_manager_name"] = releaseManagerName
    values["email"] = email
    values["note_url"] = noteURL
    return values
  }
}
