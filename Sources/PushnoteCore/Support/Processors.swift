import Foundation

/// The processors this process may use.
enum Processors {
  /// How many threads may work at once: the scheduler's and the cgroup's limits, asked once (the
  /// asking reads files, so only work big enough to share out asks).
  static let available = ProcessInfo.processInfo.activeProcessorCount
}
