"""Starts `procflow lsp`, opens a .flow document with an error, and expects
the diagnostic, then shuts the server down. Usage: lsp-smoke.py PROCFLOW."""
import json
import subprocess
import sys


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read(stream):
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


server = subprocess.Popen([sys.argv[1], "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
uri = "file:///tmp/lsp-smoke/a.flow"
text = 'role ops "Ops"\nrole ops "Ops again"\n'  # a duplicate definition
server.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                          "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
server.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
    "textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}}}))
server.stdin.flush()
diagnostics = None
while diagnostics is None:
    message = read(server.stdout)
    if message.get("id") == 1 and "capabilities" not in message.get("result", {}):
        raise SystemExit(f"initialize failed: {message}")
    if message.get("method") == "textDocument/publishDiagnostics":
        diagnostics = message["params"]["diagnostics"]
if not diagnostics:
    raise SystemExit("no diagnostic for a file with an error")
server.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
server.stdin.close()
if server.wait(timeout=30) != 0:
    raise SystemExit(f"the server exited with {server.returncode}")
print(f"lsp: {len(diagnostics)} diagnostic(s): {diagnostics[0]['message']}")
