"""Synthetic village-store catalogs of any size, for tests and benchmarks.

Deterministic: the same ``n`` and ``seed`` always give the same catalog. Names combine brands,
product types and specs the way a rural catalog does (金龙鱼 调和油 5L, 海尔 滚筒洗衣机 8公斤),
across ten categories, with plausible fen prices, units, some barcodes (EAN-13 starting 69) and
polyphonic characters (长, 重, 行, 乐, 调 …) so search is exercised the way villagers use it.

Usage::

    python -m kiosk.synthetic --products 100000 --out catalog.jsonl [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import CatalogProduct, StockState


@dataclass(frozen=True)
class _Kind:
    """One category's vocabulary: brands × types × specs, with unit and price range in fen."""

    code: str
    brands: tuple[str, ...]
    types: tuple[str, ...]
    specs: tuple[str, ...]
    units: tuple[str, ...]
    price_fen: tuple[int, int]


CATEGORIES: dict[str, _Kind] = {
    "粮油食品": _Kind(
        "LY",
        ("金龙鱼", "福临门", "鲁花", "长寿花", "五常", "十月稻田", "中粮", "北大荒", "香满园"),
        ("大米", "长粒香米", "调和油", "花生油", "菜籽油", "面粉", "挂面", "重庆小面", "小米"),
        ("5kg", "10kg", "2.5kg", "1.8L", "5L", "500g", "1kg", "25kg"),
        ("袋", "桶", "包"),
        (590, 25_900),
    ),
    "日用百货": _Kind(
        "RY",
        ("蓝月亮", "立白", "汰渍", "心相印", "维达", "舒肤佳", "高露洁", "云南白药", "超能"),
        ("洗衣液", "洗衣粉", "洗洁精", "卫生纸", "抽纸", "香皂", "牙膏", "牙刷", "行李箱"),
        ("2kg", "3kg", "500g", "10卷", "6包", "3块", "120g", "大号"),
        ("瓶", "袋", "提", "个"),
        (350, 19_900),
    ),
    "农资农具": _Kind(
        "NZ",
        ("史丹利", "金正大", "中化", "登海", "隆平", "先正达", "云天化", "心连心", "东方红"),
        (
            "复合肥",
            "尿素",
            "磷肥",
            "玉米种子",
            "水稻种子",
            "小麦种子",
            "除草剂",
            "重型喷雾器",
            "锄头",
        ),
        ("40kg", "50kg", "1kg", "2kg", "500ml", "16L", "标准型", "加厚"),
        ("袋", "包", "把", "台"),
        (800, 98_000),
    ),
    "家用电器": _Kind(
        "DQ",
        ("海尔", "美的", "格力", "长虹", "TCL", "海信", "奥克斯", "苏泊尔", "九阳"),
        ("洗衣机", "滚筒洗衣机", "空调", "冰箱", "电视", "电饭煲", "电磁炉", "热水器", "电风扇"),
        ("8公斤", "1.5匹", "大1匹", "218升", "55英寸", "4L", "2100W", "60升", "落地式"),
        ("台",),
        (5_900, 499_900),
    ),
    "手机数码": _Kind(
        "SJ",
        ("华为", "小米", "荣耀", "OPPO", "vivo", "红米", "一加", "联想", "倍思"),
        (
            "手机",
            "老人机",
            "充电宝",
            "耳机",
            "数据线",
            "充电器",
            "平板电脑",
            "音乐播放器",
            "手机壳",
        ),
        ("128G", "256G", "10000mAh", "Type-C", "快充", "蓝牙", "黑色", "白色"),
        ("台", "个", "条"),
        (990, 699_900),
    ),
    "服装鞋帽": _Kind(
        "FZ",
        ("回力", "安踏", "李宁", "特步", "南极人", "恒源祥", "森马", "361度", "鸿星尔克"),
        ("运动鞋", "棉衣", "羽绒服", "长袖T恤", "牛仔裤", "劳保鞋", "雨靴", "遮阳帽", "袜子"),
        ("男款", "女款", "儿童", "加厚", "均码", "42码", "XL", "秋冬"),
        ("件", "双", "顶"),
        (990, 59_900),
    ),
    "母婴用品": _Kind(
        "MY",
        ("飞鹤", "伊利", "君乐宝", "帮宝适", "好奇", "贝亲", "全棉时代", "babycare", "十月结晶"),
        (
            "婴儿奶粉",
            "纸尿裤",
            "拉拉裤",
            "奶瓶",
            "湿巾",
            "婴儿车",
            "儿童乐园玩具",
            "辅食米粉",
            "吸奶器",
        ),
        ("1段", "2段", "3段", "800g", "M码", "L码", "80抽", "240ml"),
        ("罐", "包", "个", "台"),
        (1_290, 159_900),
    ),
    "医药保健": _Kind(
        "YY",
        ("云南白药", "同仁堂", "999", "汤臣倍健", "仁和", "江中", "鱼跃", "欧姆龙", "九芝堂"),
        (
            "感冒灵颗粒",
            "创可贴",
            "血压计",
            "体温计",
            "维生素C",
            "钙片",
            "健胃消食片",
            "口罩",
            "调理膏",
        ),
        ("10袋", "100片", "50片", "电子", "上臂式", "30支", "1盒", "独立包装"),
        ("盒", "瓶", "台"),
        (450, 39_900),
    ),
    "酒水饮料": _Kind(
        "JS",
        ("长城", "茅台", "五粮液", "牛栏山", "青岛", "雪花", "农夫山泉", "娃哈哈", "加多宝"),
        ("干红葡萄酒", "白酒", "二锅头", "啤酒", "矿泉水", "纯净水", "凉茶", "乐百氏饮料", "果汁"),
        ("750ml", "500ml", "330ml", "550ml", "12瓶", "24罐", "整箱", "礼盒装"),
        ("瓶", "箱", "提"),
        (200, 299_900),
    ),
    "休闲零食": _Kind(
        "LS",
        ("乐事", "旺旺", "三只松鼠", "良品铺子", "卫龙", "达利园", "康师傅", "统一", "徐福记"),
        ("薯片", "雪饼", "坚果", "辣条", "蛋黄派", "方便面", "饼干", "糖果", "瓜子"),
        ("原味", "黄瓜味", "大礼包", "家庭装", "70g", "500g", "5连包", "散装"),
        ("袋", "盒", "包"),
        (150, 12_900),
    ),
}


def _ean13(rng: random.Random) -> str:
    """A valid EAN-13 with the Chinese 69 prefix."""
    body = "69" + "".join(str(rng.randrange(10)) for _ in range(10))
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd + 3 * even) % 10) % 10)


def _price(rng: random.Random, low: int, high: int) -> int:
    # Prices end the way shops price them: x.90, x.50 or whole yuan.
    fen = int(low * (high / low) ** rng.random())
    ending = rng.choice((90, 50, 0, 0))
    return max(low, fen - fen % 100 + ending)


def generate_catalog(n: int, seed: int = 0) -> list[CatalogProduct]:
    """Generate ``n`` products, the same ones for the same ``(n, seed)``."""
    rng = random.Random(seed)
    names = list(CATEGORIES)
    products: list[CatalogProduct] = []
    for i in range(n):
        category = names[i % len(names)]
        kind = CATEGORIES[category]
        brand, ptype, spec = rng.choice(kind.brands), rng.choice(kind.types), rng.choice(kind.specs)
        # Large catalogs need more distinct names than brand × type × spec: add a model number.
        model = f" {kind.code}{rng.randrange(100, 1000)}" if rng.random() < 0.4 else ""
        name = f"{brand}{ptype} {spec}{model}"
        products.append(
            CatalogProduct(
                sku=f"{kind.code}-{i + 1:06d}",
                name=name,
                category=category,
                price_fen=_price(rng, *kind.price_fen),
                unit=rng.choice(kind.units),
                description=f"{brand}{ptype}，规格{spec}，乡村服务站直供。",
                stock=rng.choices(
                    (StockState.IN_STOCK, StockState.LOW, StockState.OUT), (85, 10, 5)
                )[0],
                barcode=_ean13(rng) if rng.random() < 0.6 else None,
                active=rng.random() >= 0.02,
            )
        )
    return products


def write_catalog_jsonl(products: Sequence[CatalogProduct], path: Path) -> None:
    """Write products as a catalog file (JSON Lines, UTF-8, one product a line)."""
    with path.open("w", encoding="utf-8") as fh:
        for p in products:
            data = p.model_dump(mode="json", exclude_none=True)
            fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.synthetic --products N --out FILE [--seed S]``."""
    parser = argparse.ArgumentParser(description="Write a synthetic village-store catalog.")
    parser.add_argument("--products", type=int, required=True, help="how many products")
    parser.add_argument("--out", type=Path, required=True, help="catalog file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.products < 0:
        parser.error("--products must be 0 or more")
    write_catalog_jsonl(generate_catalog(args.products, args.seed), args.out)
    print(f"wrote {args.products} products to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
