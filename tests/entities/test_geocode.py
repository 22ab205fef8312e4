"""Geocoding: a table of real sentences with known coordinates, context rules, precision."""

from __future__ import annotations

import math

import pytest

from rokhdad.entities import find_entities
from rokhdad.entities.geocode import resolve_places
from rokhdad.entities.match import (
    apply_context,
    build_key_text,
    choose_mentions,
    find_candidates,
    read_mentions,
    shipped_matcher,
)
from rokhdad.model import EntityKind
from rokhdad.text.normalize import normalize

TOLERANCE_KM = 25


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def place_of(text: str, quote: str):
    found = [e for e in find_entities(text) if e.text == quote
             and e.kind in (EntityKind.PLACE, EntityKind.FACILITY)]
    assert found, f"«{quote}»: {[(e.text, e.kind.value) for e in find_entities(text)]}"
    return found[0]


# Sentences from ir-news-2020 and fars-news-1500 (never the eval/dev set): article id, the
# sentence, the mention, where it is (public coordinates of the town, base or province
# centre) and its first-level division (None: not asserted).
TABLE = [
    ("tabnak-965316", "در همین حال، تلویزیون دولتی سوریه چهارشنبه شب گزارش داد که هواپیماهای ناشناس چند نقطه را در مرزهای عراق و سوریه و در جنوب شرق البوکمال در حومه دیرالزور هدف قرار دادند.", "البوکمال", 34.45, 40.92, "Deir ez-Zor"),
    ("tabnak-964980", "رئیس جمهور ترکیه با اشاره به تداوم آتش بس در ادلب، از پیشنهادی که به همتای روس خود درباره میادین نفتی دیرالزور سوریه داده است، پرده برداشت.", "دیرالزور", 35.33, 40.14, "Deir ez-Zor"),
    ("tabnak-960167", "ژوراولوف خاطرنشان کرد: از ابتدای سال ۲۰۲۰ حدود ۲۳ هزار سوری که اکثرشان افراد مسن و کودک بودند از طریق گذرگاه صالحیه در شهر دیر الزور عبور کرده\u200cاند.", "دیر الزور", 35.33, 40.14, "Deir ez-Zor"),
    ("mashreghnews-1028853", "حملات به پایگاه های عین الاسد و اربیل در واقع حمله به زیرساخت فرماندهی و کنترل، شنود، رادار، جنگ الکترونیک و به عبارت بهتر، حمله به مغز، چشم و گوش امریکا در منطقه است.", "عین الاسد", 33.80, 42.44, "Al Anbar"),
    ("asriran-707796", "وزیر دفاع اعلام کرد که موشک های شلیک شده به پایگاه عین الاسد ساخت ایران بوده است.", "پایگاه عین الاسد", 33.80, 42.44, "Al Anbar"),
    ("asriran-706921", "شبکه خبری المیادین نیز گزارش داده بود که خبرهای اولیه حاکی از حمله هوایی به یک هدف متحرک در منطقه التاجی حکایت می\u200cکند.", "التاجی", 33.52, 44.27, "Baghdad"),
    ("asriran-706953", "از سوی دیگر، پس از به شهادت رسیدن قاسم سلیمانی در نزدیکی فرودگاه بغداد، دولت کانادا از شهروندان کانادایی در عراق خواست که این کشور را ترک کنند.", "فرودگاه بغداد", 33.26, 44.23, "Baghdad"),
    ("tabnak-953297", "منابع خبری بامداد سه شنبه از برخورد چند موشک کاتیوشا به منطقه سبز و نزدیکی سفارت آمریکا در بغداد خبر می\u200cدهند.", "منطقه سبز", 33.31, 44.39, "Baghdad"),
    ("asriran-731497", "در این مناطق گروه\u200cهایی وجود دارند که با رژیم صهیونیستی و پایگاه غیرقانونی آمریکا در التنف همکاری دارند و از آنها دستورات و حمایت لجستیک دریافت می\u200cکنند.", "التنف", 33.50, 38.62, None),
    ("tabnak-958828", "در این میان، باید به حمله راکتی به پایگاه نظامیان آمریکا در کرکوک عراق نیز اشاره کرد.", "کرکوک", 35.47, 44.39, "Kirkuk"),
    ("tabnak-953281", "رئیس\u200cجمهوری ترکیه در بخش دیگری از سخنانش گفت موضوع ادلب از دیگر مباحث گفت\u200cوگو در نشست برلین بود.", "ادلب", 35.93, 36.63, "Idlib"),
    ("tabnak-957340", "وزارت امور خارجه آمریکا اعلام کرده است، الریمی در حمله سال ۲۰۰۸ به سفارت آمریکا در «صنعا» دست داشته است.", "صنعا", 15.35, 44.21, None),
    ("tabnak-955458", "سریع گفت: نیروهای ما در پی فروپاشی نیروهای دشمن به پیشروی خود تا غرب شهر مأرب ادامه داد و چند شهر در استان\u200cهای مأرب و الجوف را آزاد کرد.", "مأرب", 15.46, 45.33, "Ma'rib"),
    ("asriran-697672", "رئیس اجرایی دولت افغانستان در جریان یک تجمع حامیانش در شهر کابل گفت: این روند بازشماری آرا باید متوقف شود.", "کابل", 34.53, 69.17, "Kabul"),
    ("tabnak-955063", "او همچنین گفت، به نظر می\u200cرسد که هواپیما در مسیر هوایی بین قندهار و کابل، پایتخت افغانستان در پرواز بوده است.", "قندهار", 31.61, 65.71, "Kandahar"),
    ("farsnews-8802161365", "سركنسول ايرن در جلال آباد تصريح كرد: دولت جمهوري اسلامي قصد دارد كه برخي از پروژه\u200cهاي بازسازي را نيز در اين ولايت اجرا نمايد.", "جلال آباد", 34.43, 70.45, "Nangarhar"),
    ("tabnak-954944", "عارف نوری، سخنگوی والی \"غزنی\" به رسانه\u200cهای محلی گفته که یک تیم در حال عزیمت به محل سانحه برای بررسی\u200cهای لازم هستند.", "غزنی", 33.55, 68.42, "Ghazni"),
    ("asriran-704285", "به گزارش عصرایران، روزنامه النهار چاپ بیروت، صفحه اول خود را سفید چاپ و از مخاطبانش خواست به روزنامه کمک مالی کنند تا روزنامه از بحران مالی اش خارج شود.", "بیروت", 33.89, 35.50, "Beirut"),
    ("asriran-697078", "در واکنش به طرح آمریکا برای گسترش ماموریت نظامی این کشور در سوریه با ادعای\" حفاظت\" از چاه\u200cهای نفتی سوریه، دولت روسیه اعلام کرد این مناطق باید در کنترل دمشق باشد.", "دمشق", 33.51, 36.29, "Damascus"),
    ("tabnak-954412", "وزارت دفاع روسیه امروز (شنبه) اعلام کرد، ارتش سوریه با ۷۰ نیروی مسلح در حلب مقابله کرده و پایگاه\u200cهای خود را در ادلب از کنترل گروه\u200cهای مسلح پس گرفته است.", "حلب", 36.20, 37.16, "Aleppo"),
    ("asriran-697470", "به گزارش فارس، سایت «اسپورت» خبر داد که فدراسیون عراق اعلام کرده دلیل اصلی انتقال بازی\u200cهای این کشور به زمین بی طرف، اعتراض ایران نیست بلکه فدراسیون بحرین حاضر به حضور در اربیل نشده است.", "اربیل", 36.19, 44.01, "Erbil"),
    ("tabnak-955785", "در این میان، باید به حمله راکتی به پایگاه هوایی آمریکا در جنوب موصل نیز اشاره کرد.", "موصل", 36.34, 43.13, "Nineveh"),
    ("roozno-417240", "در شهر سامرا در شمال بغداد، مقامات دینی، زیارت را در حرم عسکریین لغو کردند.", "سامرا", 34.20, 43.87, "Saladin"),
    ("asriran-696783", "وزارت خارجه عراق تعرض به کنسولگری جمهوری اسلامی ایران در کربلا را محکوم کرد.", "کربلا", 32.62, 44.02, "Karbala"),
    ("asriran-700745", "شهر نجف شب گذشته شاهد حمله عناصر نقابدار به کنسول گری ایران بود.", "نجف", 32.03, 44.35, "Najaf"),
    ("asriran-696891", "دیدار تیم های ایران و عراق 23 آبان در بصره برگزار می شود.", "بصره", 30.51, 47.78, "Basra"),
    ("tabnak-981763", "رئیس جمهور سوریه در این حکم، پنج استاندار جدید برای استان های حمص، السویداء، القنیطره، درعا و الحسکه تعیین کرد.", "درعا", 32.62, 36.10, "Daraa"),
    ("tabnak-980429", "ارتش آمریکا تجهیزات نظامی و لجستیک جدید از عراق به منطقه میدان\u200cهای نفتی در شرق سوریه فرستاد و منابع محلی می\u200cگویند که آمریکا درصدد بازسازی پایگاه\u200cهایی برای خود در شهر الرقه در شمال سوریه است.", "الرقه", 35.95, 39.01, "Al-Raqqah"),
    ("tabnak-957480", "طی روزهای اخیر عناصر تروریستی داعش در تکریت عراق به نیروهای الحشد الشعبی حمله و سه تن از آن\u200cها را شهید کردند.", "تکریت", 34.60, 43.68, "Saladin"),
    ("asriran-698121", "یک تاجر عراقی اعلام کرده به هر بازیکنی از تیم ملی فوتبال کشورش که به ایران گل بزند، یک آپارتمان در مرکز بغداد هدیه می\u200cدهد.", "بغداد", 33.34, 44.40, "Baghdad"),
    ("farsnews-8306280022", "به گزارش خبرگزاري رويتر از بغداد، ايالت الانبار شامل شهرهاي فلوجه و الرمادي است كه هر دو از مناطق استقرار نيروهاي ضد اشغالگري سني محسوب مي\u200cشوند.", "فلوجه", 33.35, 43.78, "Al Anbar"),
    ("farsnews-8306280022", "به گزارش خبرگزاري رويتر از بغداد، ايالت الانبار شامل شهرهاي فلوجه و الرمادي است كه هر دو از مناطق استقرار نيروهاي ضد اشغالگري سني محسوب مي\u200cشوند.", "الرمادي", 33.42, 43.30, "Al Anbar"),
    ("farsnews-13990125000490", "دولت یمن از اوایل آوریل بیش از ۵۰۸ زندانی را در استان\u200cهای حضرموت، تعز، شبوه، مأرب و المهره با هدف مقابله با شیوع کرونا آزاد کرده است.", "تعز", 13.58, 44.02, "Ta'izz"),
    ("tabnak-957180", "وی اعلام کرد، این خبر را بر اساس گزارش های اخیر در رسانه های رژیم صهیونیستی و نزدیکی اخیر تل آویو با سودان، مغرب و امارات بیان می کند.", "تل آویو", 32.08, 34.78, "Tel Aviv"),
    ("tabnak-955405", "در شهر حیفا نیز ده\u200cها فلسطینی ضمن تظاهرات پلاکاردهایی در دست داشتند.", "حیفا", 32.82, 34.99, "Haifa"),
    ("asriran-721304", "ساخت بیمارستانی موقت در شهر \"رفح\" نوار غزه از اواسط ماه مارس آغاز شده است.", "رفح", 31.30, 34.25, None),
    ("asriran-697240", "کارون، در نزدیکی اهواز است و بافت جمعیتی آن غالباً و شاید تماماً عرب هستند.", "اهواز", 31.32, 48.67, "Khuzestan"),
    ("asriran-699390", "مدیرکل راهداری و حمل و نقل جاده\u200cای کرمانشاه گفت: پروانه فعالیت ۱۳ شرکت حمل و نقل استان از آبان سال گذشته تاکنون لغو شده است.", "کرمانشاه", 34.31, 47.07, "Kermanshah"),
    ("tabnak-956881", "یک رسانه وابسته به کردهای سوریه سه\u200cشنبه شب مدعی حمله نیروهای ترکیه به مواضع نظامی روسیه در شهر «عفرین» شد.", "عفرین", 36.51, 36.87, "Aleppo"),
    ("asriran-697828", "قبل از بحران سوریه، مسکو در بندر طرطوس (غرب سوریه و در ساحل دریای مدیترانه) یک پایگاه نظامی پشتیبانی دریایی داشت.", "طرطوس", 34.89, 35.89, "Tartus"),
    ("asriran-697828", "به گزارش ، یک روزنامه نگار روس به نام ولادیمیر موخین گفت که روسیه تلاش می کند فرودگاه شهر کردنشین قامشلی ( شمال شرقی سوریه) را اجاره کند.", "قامشلی", 37.05, 41.23, "Al-Hasakah"),
    ("tabnak-959574", "ارتش سوریه کنترل روستای رکایا در شمال غرب خان شیخون در حومه ادلب را در دست گرفت.", "خان شیخون", 35.44, 36.65, "Idlib"),
    ("tabnak-957141", "دیدبان می\u200cگوید، ارتش سوریه وارد شهر سراقب شده و عملیات پاکسازی این شهر را شروع کرده است.", "سراقب", 35.86, 36.80, "Idlib"),
    ("tabnak-955547", "تصاویری از شهر تازه آزاد شده «معره النعمان» در جنوب استان ادلب سوریه را می\u200cبینید.", "معره النعمان", 35.65, 36.67, "Idlib"),
    ("tabnak-954544", "نظامیان آمریکایی مانع حرکت روس\u200cها به سمت جاده بین المللی ام ۴ میان منبج و قامشلی در حسکه در شمال شرق سوریه شدند.", "منبج", 36.53, 37.95, "Aleppo"),
    ("roozno-429621", "اما به گفته ۳ فرمانده ارشد دیگر طالبان که در شهر کویته پاکستان مستقر هستند، رهبر طالبان براثر این بیماری درگذشته است.", "کویته", 30.19, 67.01, "Balochistan"),
    ("farsnews-8409170023", "قرار است پس از اتمام مذاكرات در شهر دهلي نو ، هيات كارشناسي هند به اسلام آباد سفر كند .", "اسلام آباد", 33.72, 73.04, None),
    ("asriran-709273", "وزیران خارجه ایران و کانادا در مسقط دیدار و گفت\u200cوگو کردند.", "مسقط", 23.59, 58.41, "Muscat"),
    ("asriran-697075", "به گزارش ایرنا، شیخ محمد حسین قصد داشت به منظور مشارکت در یک کنفرانس دینی بین المللی عازم این کشور شود که ابوظبی برای وی روادید صادر نکرد.", "ابوظبی", 24.45, 54.38, "Abu Dhabi"),
    ("asriran-700386", "عربستان، امارات و بحرین به همراه مصر، دوحه را به حمایت از گروه\u200cهای تندروی اسلامی متهم می\u200cکنند.", "دوحه", 25.29, 51.53, "Doha"),
    ("tabnak-957645", "سازمان همکاری اسلامی فردا (یکشنبه) در جده با حضور مسؤولان عالی\u200cرتبه نشستی مقدماتی برای نشست وزرای خارجه این سازمان برگزار خواهد کرد.", "جده", 21.49, 39.19, "Makkah"),
    ("asriran-697107", "رجب طیب اردوغان،\u200c رئیس\u200c جمهوری ترکیه در سخنانی در آنکارا گفت: ابوبکر البغدادی در یک تونل خودکشی کرد.", "آنکارا", 39.93, 32.86, "Ankara"),
]


def test_table_is_large_enough():
    assert len(TABLE) >= 40
    assert not any(row[0].startswith("seed-") for row in TABLE)


@pytest.mark.parametrize("article, sentence, quote, lat, lon, admin1", TABLE,
                         ids=[f"{row[0]}:{row[2]}" for row in TABLE])
def test_table_of_real_mentions(article, sentence, quote, lat, lon, admin1):
    entity = place_of(sentence, quote)
    place = entity.place
    assert place is not None and place.lat is not None, entity
    distance = km(lat, lon, place.lat, place.lon)
    assert distance <= TOLERANCE_KM, f"{quote}: {place.name_en} is {distance:.0f} km away ({entity.reason})"
    if admin1 is not None:
        assert place.admin1_en == admin1, entity
    assert 1 <= entity.precision <= 3
    assert sentence[entity.start : entity.end] == entity.text


# --- Arab toponyms with and without the article ------------------------------------------

@pytest.mark.parametrize("text, quote, name_en", [
    ("انفجار در المیادین سوریه", "المیادین", "Mayādīn"),
    ("انفجار در شهر میادین", "میادین", "Mayādīn"),
    ("درگیری در البوکمال", "البوکمال", "Abu Kamal"),
    ("درگیری در ابوکمال", "ابوکمال", "Abu Kamal"),
    ("حمله به الحسکه", "الحسکه", "asakah"),
    ("حمله در شهر حسکه", "حسکه", "asakah"),
    ("انفجار در الرمادی عراق", "الرمادی", "Ramadi"),
    ("انفجار در رمادی عراق", "رمادی", "Ramadi"),
    ("گذرگاه مرزی در القائم عراق", "القائم", "Qā’im"),
    ("روستای الخضر در دیرالزور", "دیرالزور", "Deir ez-Zor"),
])
def test_arab_toponyms_resolve(text, quote, name_en):
    entity = place_of(text, quote)
    assert name_en in (entity.place.name_en or ""), entity


# --- context -----------------------------------------------------------------------------

def test_qualifier_picks_the_country():
    entity = place_of("حمله به القائم در عراق", "القائم")
    assert entity.place.country == "IRQ"


def test_article_countries_pick_the_namesake():
    text = "درگیری در افغانستان: طالبان به هرات و قندهار حمله کرد"
    assert place_of(text, "هرات").place.country == "AFG"
    assert place_of(text, "قندهار").place.country == "AFG"


def test_unknown_village_falls_back_to_the_named_province():
    entity = place_of("نیروهای ائتلاف در روستای الخضر در دیرالزور با هشت راکت هدف قرار گرفتند", "الخضر")
    assert entity.place.admin1_en == "Deir ez-Zor" and entity.place.country == "SYR"
    assert entity.precision >= 2 and "named next to it" in entity.reason


def test_village_namesakes_abroad_stay_unresolved():
    # the article is about Syria; «المحمودیه» is a town of 350,000 in Iraq and one in Egypt
    text = ("درگیری‌ها در حومه حسکه و شهر تل تمر ادامه دارد. ارتش سوریه نیروها را به سمت "
            "روستای المحمودیه در حومه رأس العین عقب راند.")
    entity = place_of(text, "المحمودیه")
    assert entity.place is None and "left unresolved" in entity.reason
    assert place_of(text, "رأس العین").place.country == "SYR"
    # with the country named, the town stays a town
    assert place_of("انفجار در شهر المحمودیه در جنوب بغداد", "المحمودیه").place.country == "IRQ"


def test_province_cue_gives_the_province():
    entity = place_of("در غرب استان انبار درگیری رخ داد", "انبار")
    assert entity.place.kind == "admin1" and entity.place.admin1_en == "Al Anbar"
    assert entity.precision == 3


@pytest.mark.parametrize("text, quote, precision", [
    ("انفجار در المیادین", "المیادین", 1),
    ("انفجار در نزدیکی المیادین", "المیادین", 2),
    ("انفجار در استان دیرالزور", "دیرالزور", 3),
    ("انفجار در سوریه", "سوریه", 3),
    ("حمله موشکی به پایگاه عین الاسد", "پایگاه عین الاسد", 1),
    ("درگیری در کرانه باختری", "کرانه باختری", 3),
])
def test_precision(text, quote, precision):
    assert place_of(text, quote).precision == precision


def test_resolution_lists_candidates_and_reason():
    normalized = normalize("انفجار در بغداد")
    matcher = shipped_matcher()
    key_text = build_key_text(normalized.text)
    mentions = choose_mentions(apply_context(find_candidates(key_text, matcher), key_text))
    readings = read_mentions(mentions, normalized.text, key_text, matcher)
    [resolution] = resolve_places(readings, key_text)
    assert len(resolution.candidates) >= 2  # the city and the governorate
    assert resolution.entry.place.kind == "populated_place"
    assert resolution.reason.startswith("best of")


@pytest.mark.parametrize("text, quote, name_en", [
    ("سفر به واشنگتن", "واشنگتن", "Washington, D.C."),
    ("تظاهرات در مسکو", "مسکو", "Moscow"),
    ("نشست در اقلیم کردستان عراق", "اقلیم کردستان عراق", "Kurdistan Region"),
    ("درگیری در نوار غزه", "نوار غزه", "Gaza Strip"),
    ("تنش در خاورمیانه", "خاورمیانه", "Middle East"),
])
def test_overridden_places(text, quote, name_en):
    assert place_of(text, quote).place.name_en == name_en
