"""Test oracle: parse one RFC 5322 message from stdin with Python's email package (strict policy)
and print what a mail reader would see as JSON: decoded headers, addresses, parts and defects."""
import email
import email.policy
import json
import sys

raw = sys.stdin.buffer.read()
result = {"defects": [], "headers": {}, "addresses": {}, "parts": []}
try:
    message = email.message_from_bytes(raw, policy=email.policy.strict)
except Exception as error:  # strict raises on the first defect
    result["defects"].append(f"parse: {type(error).__name__}: {error}")
    print(json.dumps(result))
    sys.exit(0)

for name in message.keys():
    try:
        values = [str(value) for value in message.get_all(name)]
        result["headers"].setdefault(name.lower(), []).extend(values)
        header = message[name]
        if hasattr(header, "addresses"):
            result["addresses"][name.lower()] = [[a.display_name, a.addr_spec] for a in header.addresses]
        for defect in getattr(header, "defects", []):
            result["defects"].append(f"{name}: {type(defect).__name__}: {defect}")
    except Exception as error:
        result["defects"].append(f"{name}: {type(error).__name__}: {error}")

for part in message.walk():
    for defect in part.defects:
        result["defects"].append(f"part: {type(defect).__name__}: {defect}")
    if part.is_multipart():
        continue
    try:
        content = part.get_content()
    except Exception as error:
        result["defects"].append(f"content: {type(error).__name__}: {error}")
        continue
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    content = content.replace("\r\n", "\n")
    result["parts"].append({
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "filename": part.get_filename(),
        "transfer_encoding": part.get("Content-Transfer-Encoding"),
        "content": content,
    })
result["content_type"] = message.get_content_type()
print(json.dumps(result))
