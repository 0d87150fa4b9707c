# Sourced by the benchmarks that fetch generated feeds. `serve_feeds WORK COUNT` writes COUNT feeds
# of 30 prose-like items each under WORK/www, serves them with nginx on a free loopback port
# (gzip and ETags on; WORK/nginx.pid stops it), writes their URLs to WORK/urls and an OPML list
# to WORK/feeds.opml, and sets `port`. The feeds are the same on every run (a fixed seed).
serve_feeds() {
    local work=$1 feeds=$2
    mkdir -p "$work/www" "$work/logs"
    python3 - "$work/www" "$feeds" <<'PY'
import itertools, random, sys
root, count = sys.argv[1], int(sys.argv[2])
random.seed(2026)
# Text that reads to gzip and to the tagger like news prose: function words and AI words most
# often, then 20,000 made-up words, drawn by Zipf's law (s = 1.5). 2,000 feeds come to about
# 108 MB of XML and 32 MB gzipped, the shape of the set the issue measured.
common = ("the of and to a in is that for on with as it was by at from are this be an has have its "
          "not or but which will can more their new also they one been were than about after said "
          "model models open weights api release released training benchmark inference agent "
          "reasoning context tokens license parameters dataset evaluation latency gpu startup lab").split()
syllables = ("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi ho ja ka ke ki ko "
             "la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te "
             "ti to tu va ve vi vo za ze zi zo an en in on un ar er ir or ur al el il ol st tr pr gr br cr dr "
             "fl pl sl").split()
made = set()
while len(made) < 20000:
    made.add("".join(random.choice(syllables) for _ in range(random.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))))
vocabulary = common + sorted(made)
weights = list(itertools.accumulate(1 / (rank + 1) ** 1.5 for rank in range(len(vocabulary))))
models = ("Llama 3.1 405B", "Mistral Large 2", "GPT-4o", "Claude 3.5 Sonnet", "Gemini 1.5 Pro", "Qwen2.5 72B",
          "DeepSeek-V3", "Gemma 2 27B", "Phi-3 mini", "Command R+", "o1-preview", "Grok-2")
def words(n):
    return " ".join(random.choices(vocabulary, cum_weights=weights, k=n))
for n in range(count):
    items = []
    for i in range(30):
        text = f"{words(180)} {random.choice(models)} {words(180)}"
        items.append(f"<item><title>Feed {n} story {i}: {words(7)} {random.choice(models)}</title>"
                     f"<link>https://news{n % 97}.example.org/{n}/{i}</link><guid>https://news{n % 97}.example.org/{n}/{i}</guid>"
                     f"<pubDate>Mon, 23 Nov 2026 {i % 24:02d}:{n % 60:02d}:00 GMT</pubDate>"
                     f"<description><![CDATA[<p>{text}</p><p><a href=\"/more/{i}\">more</a></p>]]></description></item>")
    with open(f"{root}/{n}.xml", "w") as out:
        out.write(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
                  f'<link>https://news{n % 97}.example.org/</link>{"".join(items)}</channel></rss>')
PY
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/logs/error.log;
user root;
events { worker_connections 1024; }
http {
    access_log off;
    types { application/rss+xml xml; }
    gzip on; gzip_types application/rss+xml; gzip_min_length 256;
    etag on;
    keepalive_requests 100000;
    server { listen 127.0.0.1:$port; root $work/www; }
}
NGINX
    nginx -c "$work/nginx.conf" -p "$work"
    sleep 0.5
    seq 0 $((feeds - 1)) | sed "s|.*|http://127.0.0.1:$port/&.xml|" > "$work/urls"
    {
        echo '<opml version="2.0"><body>'
        sed 's|.*|<outline type="rss" xmlUrl="&"/>|' "$work/urls"
        echo '</body></opml>'
    } > "$work/feeds.opml"
}

# `store SQL` runs one statement on $AINEWS_DATABASE (while ainewsd may be writing it) and prints
# the first column of the first row it returns.
store() {
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
row = db.execute(sys.argv[2]).fetchone()
db.commit()
print(row[0] if row else "")' "$AINEWS_DATABASE" "$1"
}
