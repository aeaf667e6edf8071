#!/usr/bin/env bash
# Real HTTP clients through retryd's forward proxy, each with its own proxy and trust settings and nothing else
# changed: curl -x, Python requests (HTTPS_PROXY, REQUESTS_CA_BUNDLE), Node (a CONNECT with http.request, then
# tls.connect on its socket, NODE_EXTRA_CA_CERTS), PHP Guzzle (its proxy and verify options) and Java's HttpClient
# (a ProxySelector and a truststore made with keytool).
#
#   bash Tests/ForwardProxy/clients.sh [RETRYD_BINARY]      (default: .build/debug/retryd, built if missing)
#
# The vendor is Tests/ForwardProxy/vendor.py, HTTPS for api.vendor.example with a certificate from a CA of its own,
# reached with connect_to; it answers 503 to each path's first request, so every client's 200 shows a retry
# (X-Retryd-Attempts: 2). A CONNECT to another host must be refused. Missing clients are installed with apt-get
# (python3-requests, nodejs, php-cli php-curl php-guzzlehttp-guzzle, default-jdk-headless) unless SKIP_INSTALL=1.
# Not part of CI: the JDK alone is a few hundred megabytes. Prints PASS/FAIL per client; exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
binary=${1:-$repo/.build/debug/retryd}

need() { command -v "$1" >/dev/null 2>&1; }
if [[ ${SKIP_INSTALL:-0} != 1 ]]; then
    missing=()
    need curl || missing+=(curl)
    need openssl || missing+=(openssl)
    python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)
    need node || missing+=(nodejs)
    { need php && [[ -f /usr/share/php/GuzzleHttp/autoload.php ]] && php -m | grep -qix curl; } ||
        missing+=(php-cli php-curl php-guzzlehttp-guzzle)
    { need java && need keytool; } || missing+=(default-jdk-headless)
    if ((${#missing[@]} > 0)); then
        echo "clients.sh: installing ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi
[[ -x $binary ]] || swift build --product retryd >/dev/null || exit 2

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The vendor's own CA and its certificate for api.vendor.example.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=clients.sh vendor CA" \
    -keyout "$work/vendor-ca.key" -out "$work/vendor-ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=api.vendor.example \
    -keyout "$work/vendor.key" -out "$work/vendor.csr" 2>/dev/null
printf 'subjectAltName=DNS:api.vendor.example\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/vendor.csr" -CA "$work/vendor-ca.pem" -CAkey "$work/vendor-ca.key" -CAcreateserial \
    -days 1 -extfile "$work/ext.cnf" -out "$work/vendor.pem" 2>/dev/null
python3 "$repo/Tests/ForwardProxy/vendor.py" "$work/vendor.pem" "$work/vendor.key" >"$work/vendor.port" &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/vendor.port ]] && break; sleep 0.05; done
vendor_port=$(head -1 "$work/vendor.port")
[[ -n $vendor_port ]] || { echo "clients.sh: the vendor did not start" >&2; exit 2; }

cat >"$work/retryd.toml" <<TOML
state_dir = "$work/state"

[[upstream]]
name = "vendor"
listen = "127.0.0.1:0"
url = "https://api.vendor.example"
connect_to = "127.0.0.1:$vendor_port"
ca_file = "$work/vendor-ca.pem"

[upstream.retry]
schedule = ["100ms", "200ms", "400ms"]

[forward_proxy]
listen = "127.0.0.1:0"
TOML
"$binary" --config "$work/retryd.toml" 2>"$work/retryd.log" &
pids+=($!)
port=
for _ in $(seq 200); do
    port=$(sed -n 's/.*forward proxy on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/retryd.log" | head -1)
    [[ -n $port ]] && break
    sleep 0.05
done
[[ -n $port ]] || { echo "clients.sh: retryd did not start:" >&2; tail -5 "$work/retryd.log" >&2; exit 2; }
proxy=http://127.0.0.1:$port
ca=$work/state/ca/ca.crt
echo "clients.sh: retryd's forward proxy on $proxy, CA $ca, vendor on 127.0.0.1:$vendor_port"

failed=0
# Each client prints "<status> <X-Retryd-Attempts> <body>" for https://api.vendor.example/<client>.
check() {  # name output
    local name=$1 output=$2
    if [[ $output == "200 2 "*"\"path\": \"/$name\""* ]]; then
        echo "PASS $name: ${output:0:80}"
    else
        echo "FAIL $name: ${output:0:300}"
        failed=1
    fi
}

out=$(curl -sS --max-time 20 -x "$proxy" --cacert "$ca" -D "$work/curl.h" https://api.vendor.example/curl 2>&1)
check curl "$(awk 'NR==1{s=$2} tolower($1)=="x-retryd-attempts:"{a=$2} END{printf "%s %s", s, a}' "$work/curl.h" |
    tr -d '\r') $out"

out=$(HTTPS_PROXY=$proxy REQUESTS_CA_BUNDLE=$ca python3 -c '
import requests
r = requests.get("https://api.vendor.example/python", timeout=20)
print(r.status_code, r.headers.get("X-Retryd-Attempts"), r.text)' 2>&1)
check python "$out"

out=$(NODE_EXTRA_CA_CERTS=$ca node -e '
const http = require("http"), tls = require("tls");
const [host, port] = process.argv[1].split(":");
http.request({host, port, method: "CONNECT", path: "api.vendor.example:443"})
  .on("connect", (res, socket) => {
    if (res.statusCode !== 200) { console.log("CONNECT", res.statusCode); process.exit(1); }
    const s = tls.connect({socket, servername: "api.vendor.example", ALPNProtocols: ["http/1.1"]}, () =>
      s.write("GET /node HTTP/1.1\r\nHost: api.vendor.example\r\nConnection: close\r\n\r\n"));
    let data = "";
    s.on("data", d => data += d);
    s.on("end", () => {
      const [head, body] = data.split("\r\n\r\n");
      const attempts = (head.match(/^x-retryd-attempts: *(\S+)/im) || [])[1];
      console.log(head.split(" ")[1], attempts, body);
    });
    s.on("error", e => console.log("TLS", e.message));
  })
  .on("error", e => console.log("proxy", e.message))
  .end();' "127.0.0.1:$port" 2>&1)
check node "$out"

cat >"$work/guzzle.php" <<'PHP'
<?php
require '/usr/share/php/GuzzleHttp/autoload.php';
$client = new GuzzleHttp\Client(['proxy' => $argv[1], 'verify' => $argv[2], 'http_errors' => false]);
$r = $client->get('https://api.vendor.example/php', ['timeout' => 20]);
echo $r->getStatusCode(), ' ', $r->getHeaderLine('X-Retryd-Attempts'), ' ', $r->getBody(), "\n";
PHP
out=$(php "$work/guzzle.php" "$proxy" "$ca" 2>&1)
check php "$out"

keytool -importcert -noprompt -alias retryd -file "$ca" -keystore "$work/retryd.jks" -storepass changeit \
    >/dev/null 2>&1
cat >"$work/Client.java" <<'JAVA'
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class Client {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))))
            .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(URI.create("https://api.vendor.example/java")).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.println(r.statusCode() + " " + r.headers().firstValue("X-Retryd-Attempts").orElse("-") + " " + r.body());
    }
}
JAVA
out=$(java -Djavax.net.ssl.trustStore="$work/retryd.jks" -Djavax.net.ssl.trustStorePassword=changeit \
    "$work/Client.java" "$port" 2>&1)
check java "$out"

refused=$(curl -s -o /dev/null -w '%{http_code}' -x "$proxy" https://bank.example/ 2>/dev/null)
if [[ $refused == 403 || $(curl -sS -x "$proxy" https://bank.example/ 2>&1) == *"403"* ]]; then
    echo "PASS refused: a CONNECT to bank.example was answered 403"
else
    echo "FAIL refused: a CONNECT to bank.example got $refused"
    failed=1
fi
exit $failed
