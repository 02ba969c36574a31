"""One HTML page for a platform manager: fleet health and what villagers want, as charts.

``kiosk-central report --out DIR`` writes ``DIR/report.html``: a self-contained page (charts are
inline SVG drawn with matplotlib, text kept as text so the browser renders Chinese with the
system's fonts; no script, nothing fetched). Sections: how recently the centers were last seen,
how many changes wait in their queues, which app versions run, the stalest centers; then, from
:mod:`central.demand`, the searches that found nothing, the most viewed products and the viewed
products nobody ordered.

matplotlib is imported only here, when a report is written: the service itself never loads it.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from central.demand import Demand, DemandReport

#: Last-seen buckets, in hours: label -> upper bound (exclusive).
SEEN_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 h", 1),
    ("1–24 h", 24),
    ("1–7 days", 24 * 7),
    ("> 7 days", float("inf")),
)
QUEUE_BUCKETS: tuple[tuple[str, float], ...] = (
    ("0", 1),
    ("1–9", 10),
    ("10–99", 100),
    ("≥ 100", float("inf")),
)
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "DejaVu Sans"]


@dataclass(frozen=True)
class FleetHealth:
    """Counts behind the fleet charts (from ``CentralService.fleet()`` rows)."""

    centers: int
    never_seen: int
    last_seen: dict[str, int]
    queue_depth: dict[str, int]
    versions: dict[str, int]
    stalest: list[dict[str, Any]]


def fleet_health(rows: list[dict[str, Any]], now: datetime, stalest: int = 15) -> FleetHealth:
    """Fold the fleet rows into the buckets the charts show."""
    seen: Counter[str] = Counter()
    queues: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    never = 0
    aged: list[tuple[float, dict[str, Any]]] = []
    for row in rows:
        if not row.get("last_seen"):
            never += 1
            continue
        hours = (now - datetime.fromisoformat(row["last_seen"])).total_seconds() / 3600
        seen[next(label for label, top in SEEN_BUCKETS if hours < top)] += 1
        depth = row.get("queue_depth") or 0
        queues[next(label for label, top in QUEUE_BUCKETS if depth < top)] += 1
        versions[row.get("app_version") or "?"] += 1
        aged.append((hours, row))
    aged.sort(key=lambda item: -item[0])
    return FleetHealth(
        centers=len(rows),
        never_seen=never,
        last_seen={label: seen[label] for label, _ in SEEN_BUCKETS},
        queue_depth={label: queues[label] for label, _ in QUEUE_BUCKETS},
        versions=dict(versions.most_common(8)),
        stalest=[dict(row, hours=round(h, 1)) for h, row in aged[:stalest]],
    )


def _bar_svg(title: str, labels: list[str], values: list[int], *, horizontal: bool) -> str:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: the browser draws the Chinese
    plt.rcParams["font.sans-serif"] = FONTS
    height = max(2.4, 0.32 * len(labels) + 1.0) if horizontal else 2.8
    fig, ax = plt.subplots(figsize=(6.4, height))
    try:
        if not labels:
            ax.text(0.5, 0.5, "—", ha="center", va="center", fontsize=20, color="#888")
            ax.set_axis_off()
        elif horizontal:
            bars = ax.barh(labels[::-1], values[::-1], color="#2f7d4f")
            ax.bar_label(bars, padding=3, fontsize=9)
        else:
            bars = ax.bar(labels, values, color="#2f7d4f")
            ax.bar_label(bars, padding=2, fontsize=9)
        ax.set_title(title, fontsize=12, loc="left")
        (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    finally:
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _demand_labels(items: list[Demand]) -> list[str]:
    return [f"{d.name} ({d.key})" if d.name else d.key for d in items]


def render_html(health: FleetHealth, demand: DemandReport, generated_at: datetime) -> str:
    """The report page (UTF-8 HTML, inline SVG)."""
    esc = html.escape
    charts = [
        _bar_svg("最近一次联网 Last seen", list(health.last_seen), list(health.last_seen.values()),
                 horizontal=False),
        _bar_svg("待发送的变更 Queue depth", list(health.queue_depth),
                 list(health.queue_depth.values()), horizontal=False),
        _bar_svg("软件版本 App versions", list(health.versions), list(health.versions.values()),
                 horizontal=True),
    ]  # fmt: skip
    wants = [
        _bar_svg("搜不到的词 Searches that found nothing",
                 [d.key for d in demand.no_result_searches],
                 [d.count for d in demand.no_result_searches], horizontal=True),
        _bar_svg("浏览最多 Most viewed", _demand_labels(demand.most_viewed),
                 [d.count for d in demand.most_viewed], horizontal=True),
        _bar_svg("看了没买 Viewed, never ordered", _demand_labels(demand.viewed_not_ordered),
                 [d.count for d in demand.viewed_not_ordered], horizontal=True),
    ]  # fmt: skip
    stale_rows = "".join(
        f"<tr><td>{esc(r['center_id'])}</td><td>{esc(str(r.get('center_name') or ''))}</td>"
        f"<td>{r['hours']}</td><td>{esc(str(r.get('queue_depth') or 0))}</td>"
        f"<td>{esc(str(r.get('app_version') or '?'))}</td></tr>"
        for r in health.stalest
    )
    scope = esc(demand.center_id) if demand.center_id else "全部服务站 all centers"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>村站平台报告 Village Kiosk platform report</title>
<style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; margin: 24px; color: #222; }}
h1 {{ font-size: 26px; margin: 0 0 4px; }} h2 {{ font-size: 20px; margin: 28px 0 8px; }}
.meta {{ color: #666; }} .cards {{ display: flex; gap: 16px; margin: 16px 0; }}
.card {{ border: 1px solid #ddd; border-radius: 8px; padding: 10px 16px; min-width: 140px; }}
.card b {{ display: block; font-size: 28px; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; }}
.grid svg {{ width: 100%; height: auto; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #eee; padding: 4px 12px; }}
</style></head><body>
<h1>村站平台报告 <small>Village Kiosk platform report</small></h1>
<p class="meta">{esc(generated_at.strftime("%Y-%m-%d %H:%M UTC"))}</p>
<div class="cards">
<div class="card">服务站 centers<b>{health.centers}</b></div>
<div class="card">从未联网 never seen<b>{health.never_seen}</b></div>
<div class="card">一周以上未联网 silent &gt; 7 days<b>{health.last_seen["> 7 days"]}</b></div>
</div>
<h2>服务站状况 Fleet health</h2>
<div class="grid">{"".join(charts)}</div>
<h2>最久没联网的服务站 Stalest centers</h2>
<table><tr><th>编号 id</th><th>名称 name</th><th>小时 hours</th><th>待发送 queue</th>
<th>版本 version</th></tr>{stale_rows}</table>
<h2>村民想要什么 What villagers want — {scope}, {demand.days} 天 days (since {demand.since})</h2>
<p class="meta">{demand.centers_reporting} 个服务站上报 centers reporting</p>
<div class="grid">{"".join(wants)}</div>
</body></html>
"""


def write_report(
    out_dir: Path, rows: list[dict[str, Any]], demand: DemandReport, now: datetime
) -> Path:
    """Write ``out_dir/report.html`` (atomically) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page = render_html(fleet_health(rows, now), demand, now)
    path = out_dir / "report.html"
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
