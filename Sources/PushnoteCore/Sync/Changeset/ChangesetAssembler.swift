/// Builds the canonical op list Etherpad's `checkRep` compares byte for byte.
///
/// Ops appended in order are merged with neighbours of the same kind and attributes; within a
/// run of changes (between keeps) every `-` goes before every `+`; ops of no characters vanish;
/// a final keep without attributes is dropped (the rest of the text is kept implicitly). Ops
/// appended must each either hold no newline or end at their last one; a merged op that spans
/// newlines is written as its multi-line part followed by its in-line tail.
public struct ChangesetAssembler: Sendable {
  private var output: [ChangesetOperation] = []
  private var keeps = Run()
  private var removes = Run()
  private var inserts = Run()
  private var last: ChangesetOperation.Kind?

  /// An empty assembler.
  public init() {}

  /// Appends one op.
  public mutating func append(_ operation: ChangesetOperation) {
    guard operation.characters > 0 else { return }
    switch operation.kind {
    case .remove:
      if last == .keep { keeps.flush(into: &output, atEnd: false) }
      removes.append(operation)
    case .insert:
      if last == .keep { keeps.flush(into: &output, atEnd: false) }
      inserts.append(operation)
    case .keep:
      if last != .keep { flushChanges() }
      keeps.append(operation)
    }
    last = operation.kind
  }

  /// Appends an op over `units`, split into its multi-line part and its in-line tail.
  public mutating func append(
    _ kind: ChangesetOperation.Kind, _ units: ArraySlice<UInt16>, attributes: [Int] = []
  ) {
    guard let lastNewline = units.lastIndex(of: 0x0A) else {
      append(ChangesetOperation(kind, characters: units.count, attributes: attributes))
      return
    }
    let lines = units.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    append(ChangesetOperation(kind, characters: lastNewline + 1 - units.startIndex, lines: lines, attributes: attributes))
    append(ChangesetOperation(kind, characters: units.endIndex - lastNewline - 1, attributes: attributes))
  }

  /// The canonical ops.
  public mutating func finish() -> [ChangesetOperation] {
    flushChanges()
    keeps.flush(into: &output, atEnd: true)
    last = nil
    defer { output = [] }
    return output
  }

  private mutating func flushChanges() {
    removes.flush(into: &output, atEnd: false)
    inserts.flush(into: &output, atEnd: false)
  }
}

/// Ops of one kind: those done, and the last ones merged (a multi-line part and the in-line
/// characters after it).
private struct Run: Sendable {
  var done: [ChangesetOperation] = []
  var operation: ChangesetOperation?
  var tail = 0

  mutating func append(_ next: ChangesetOperation) {
    guard var current = operation, current.kind == next.kind, current.attributes == next.attributes else {
      finishOperation(atEnd: false)
      operation = next
      return
    }
    if next.lines > 0 {
      current.characters += tail + next.characters
      current.lines += next.lines
      tail = 0
    } else if current.lines == 0 {
      current.characters += next.characters
    } else {
      tail += next.characters
    }
    operation = current
  }

  /// Moves every op to `output`; at the end of the changeset a last plain keep is dropped.
  mutating func flush(into output: inout [ChangesetOperation], atEnd: Bool) {
    finishOperation(atEnd: atEnd)
    output += done
    done = []
  }

  private mutating func finishOperation(atEnd: Bool) {
    guard let current = operation else { return }
    operation = nil
    defer { tail = 0 }
    if atEnd && current.kind == .keep && current.attributes.isEmpty { return }
    done.append(current)
    if tail > 0 { done.append(ChangesetOperation(current.kind, characters: tail, attributes: current.attributes)) }
  }
}
