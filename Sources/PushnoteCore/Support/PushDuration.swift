/// How pushnote writes a push's length for people (`show`, the announcement mail).
public enum PushDuration {
  /// Whole minutes, to the nearest.
  public static func minutes(seconds: Int) -> Int { (max(0, seconds) + 30) / 60 }

  /// To the nearest minute: `45m`, `1h 05m`, `2h 00m`.
  public static func text(seconds: Int) -> String {
    let minutes = minutes(seconds: seconds)
    guard minutes >= 60 else { return "\(minutes)m" }
    let rest = minutes % 60
    return "\(minutes / 60)h " + (rest < 10 ? "0" : "") + "\(rest)m"
  }
}
