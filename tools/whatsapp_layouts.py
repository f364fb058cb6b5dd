"""Write ``src/pushpull/data/whatsapp/layouts.json``: how WhatsApp writes a message's date and
time in each language the app offers, on Android and on iOS.

WhatsApp formats the date and the time with the phone's own short formats, which come from the
Unicode CLDR (Android's ICU, Apple's Foundation): Android writes ``DATE<joiner>TIME - Name: text``
with the short date, the locale's short date-time joiner and the short time; iOS writes
``[DATE, TIME] Name: text`` with the medium (seconds) time. This script renders three sample
moments per language and layout with Babel (CLDR data) and keeps them as plain data; the
tests read each sample file and check the flag ``supported`` (so the README's layout table,
made from this file by ``tools/layout_table.py``, cannot claim what the reader does not do).
Layouts seen in real exports that CLDR does not give (Finnish "klo", French "à", old Android
exports with a colon after the seconds) are added by hand, marked ``"seen"``.

    .venv/bin/pip install babel && .venv/bin/python tools/whatsapp_layouts.py

Babel is needed only to run this script; the package and its tests read the JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from babel.dates import format_date, format_time, get_datetime_format

#: The languages WhatsApp's settings offer (its "App language" list), as CLDR locales.
LANGUAGES = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "az": "Azerbaijani",
    "bn": "Bengali", "bg": "Bulgarian", "ca": "Catalan", "zh_CN": "Chinese (Simplified)",
    "zh_HK": "Chinese (Hong Kong)", "zh_TW": "Chinese (Traditional)", "hr": "Croatian",
    "cs": "Czech", "da": "Danish", "nl": "Dutch", "en_GB": "English (UK)",
    "en_US": "English (US)", "en_IN": "English (India)", "et": "Estonian", "fil": "Filipino",
    "fi": "Finnish", "fr": "French", "de": "German", "el": "Greek", "gu": "Gujarati",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "ga": "Irish",
    "it": "Italian", "ja": "Japanese", "kn": "Kannada", "kk": "Kazakh", "ko": "Korean",
    "lo": "Lao", "lv": "Latvian", "lt": "Lithuanian", "mk": "Macedonian", "ms": "Malay",
    "ml": "Malayalam", "mr": "Marathi", "nb": "Norwegian", "fa": "Persian", "pl": "Polish",
    "pt_BR": "Portuguese (Brazil)", "pt_PT": "Portuguese (Portugal)", "pa": "Punjabi",
    "ro": "Romanian", "ru": "Russian", "sr_Latn": "Serbian", "sk": "Slovak",
    "sl": "Slovenian", "es": "Spanish", "es_MX": "Spanish (Mexico)", "sw": "Swahili",
    "sv": "Swedish", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
}  # fmt: skip
#: Three moments that tell day from month and morning from evening.
MOMENTS = (
    datetime(2023, 1, 4, 19, 0, 7),
    datetime(2023, 1, 15, 8, 5, 9),
    datetime(2023, 2, 28, 23, 59, 1),
)
#: Layouts seen in real exports that CLDR's short formats do not give.
SEEN = [
    ("fi", "Finnish", "android", "{d}.{m}.{Y} klo {H}.{M} - "),
    ("fr", "French", "android", "{dd}/{mm}/{Y} à {HH}:{M} - "),
    ("en_GB", "English (UK, old Android)", "android", "{dd}/{mm}/{Y} {HH}:{M}:{S}: "),
    ("hu", "Hungarian", "ios", "[{Y}. {mm}. {dd}. {HH}:{M}:{S}] "),
]
TARGET = Path(__file__).parent.parent / "src/pushpull/data/whatsapp/layouts.json"


def _android(locale: str, at: datetime) -> str:
    joined = get_datetime_format("short", locale=locale)
    date, time = format_date(at, "short", locale=locale), format_time(at, "short", locale=locale)
    return str(joined).replace("{1}", date).replace("{0}", time) + " - "


def _ios(locale: str, at: datetime) -> str:
    date, time = format_date(at, "short", locale=locale), format_time(at, "medium", locale=locale)
    return f"[{date}, {time}] "


def _seen(pattern: str, at: datetime) -> str:
    return pattern.format(
        d=at.day, dd=f"{at.day:02d}", m=at.month, mm=f"{at.month:02d}", Y=at.year,
        H=at.hour, HH=f"{at.hour:02d}", M=f"{at.minute:02d}", S=f"{at.second:02d}",
    )  # fmt: skip


def layouts(previous: dict[tuple[str, str, str], bool]) -> list[dict[str, object]]:
    """Every layout, keeping the ``supported`` flags already checked by the tests."""
    rows: list[dict[str, object]] = []
    for locale, language in LANGUAGES.items():
        for platform, render in (("android", _android), ("ios", _ios)):
            headers = [render(locale, at) for at in MOMENTS]
            rows.append({"locale": locale, "language": language, "platform": platform,
                         "source": "cldr", "headers": headers})  # fmt: skip
    for locale, language, platform, pattern in SEEN:
        headers = [_seen(pattern, at) for at in MOMENTS]
        rows.append({"locale": locale, "language": language, "platform": platform,
                     "source": "seen", "headers": headers})  # fmt: skip
    for row in rows:
        key = (str(row["locale"]), str(row["platform"]), str(row["headers"][0]))  # type: ignore[index]
        row["supported"] = previous.get(key, False)
    return rows


def main() -> int:
    previous: dict[tuple[str, str, str], bool] = {}
    if TARGET.exists():
        for row in json.loads(TARGET.read_text("utf-8"))["layouts"]:
            previous[row["locale"], row["platform"], row["headers"][0]] = row["supported"]
    data = {
        "moments": [m.isoformat() for m in MOMENTS],
        "layouts": layouts(previous),
    }
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {len(data['layouts'])} layouts to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
