// Labels of the rokhdad web page in Persian (default) and English.
// Plain strings are looked up by key; functions build the attribution sentences.
"use strict";

(function () {
  // each name is a bidi isolate (FSI ... PDI), so English names inside Persian sentences
  // (and the reverse) keep their own direction
  const isolate = (names) => names.map((name) => "\u2068" + name + "\u2069");

  function joinFa(raw) {
    const names = isolate(raw);
    if (names.length <= 1) return names.join("");
    return names.slice(0, -1).join("، ") + " و " + names[names.length - 1];
  }
  function joinEn(raw) {
    const names = isolate(raw);
    if (names.length <= 1) return names.join("");
    if (names.length === 2) return names[0] + " and " + names[1];
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  const fa = {
    dir: "rtl",
    switchTo: "English",
    switchToLang: "en",
    title: "رخداد",
    tagline: "رخدادهای درگیری از خبرهای فارسی، هر داده با واژه‌های پشتیبانش",
    tiles: "کاشی‌های آنلاین نقشه (OpenStreetMap)",
    filtersLabel: "پالایه‌ها",
    since: "از تاریخ",
    until: "تا تاریخ",
    type: "نوع",
    country: "کشور",
    actor: "بازیگر",
    place: "مکان",
    placePlaceholder: "نام مکان",
    all: "همه",
    reset: "پاک کردن پالایه‌ها",
    mapLabel: "نقشهٔ رخدادها",
    timeline: "رخدادها در هر روز",
    timelineUndated: (n) => `${n} رخداد بی‌تاریخ روزانه (ماه، سال یا نامعلوم) در نمودار نیست`,
    timelineHint: "برای پالایش به یک روز، روی ستون آن بزنید",
    timelineEmpty: "رخدادی با تاریخ روزانه نیست",
    tabList: "فهرست",
    tabIncident: "رخداد",
    tabExtract: "تحلیل یک متن",
    sort: "ترتیب",
    sorts: {
      "date": "تاریخ (قدیمی‌ترین)", "-date": "تاریخ (تازه‌ترین)",
      "-fatalities": "بیشترین کشته", "fatalities": "کمترین کشته",
      "-injured": "بیشترین زخمی", "injured": "کمترین زخمی",
      "-mentions": "بیشترین گزارش", "mentions": "کمترین گزارش",
      "-articles": "بیشترین مقاله", "articles": "کمترین مقاله",
      "-sources": "بیشترین رسانه", "sources": "کمترین رسانه",
    },
    count: (shown, total) => shown === total ? `${total} رخداد` : `${shown} از ${total} رخداد`,
    noLocation: (n) => `${n} رخداد مکان مشخص ندارد و روی نقشه نیست`,
    more: "بیشتر",
    empty: "رخدادی با این پالایه‌ها نیست.",
    loading: "در حال بارگیری…",
    legend: "راهنما",
    legendSize: "اندازه: شمار کشته‌ها",
    legendUnknown: "کشته: نامعلوم",
    killed: (n) => `${n} کشته`,
    injuredN: (n) => `${n} زخمی`,
    articlesN: (n) => `${n} مقاله`,
    sourcesN: (n) => `${n} رسانه`,
    back: "بازگشت به فهرست",
    noIncident: "رخدادی را روی نقشه یا در فهرست برگزینید.",
    fields: {
      type: "نوع", mode: "شیوه", date: "تاریخ", place: "مکان", actors: "عاملان", targets: "هدف‌ها",
      weapon: "جنگ‌افزار", weapon_count: "شمار جنگ‌افزار", fatalities: "کشته‌ها", injured: "زخمی‌ها",
      modality: "گونهٔ گزارش", sources: "منبع‌ها", attributed_to: "مسئول دانسته‌شده",
      claimed_by: "مدعی مسئولیت", denied_by: "تکذیب‌کننده", "attributed_to.by": "نسبت‌دهنده",
      "claimed_by.by": "گویندهٔ ادعا", "denied_by.by": "گویندهٔ تکذیب", evidence: "جملهٔ شاهد",
      category: "ردهٔ ACLED", attribution: "انتساب", conflicts: "ناهمخوانی منبع‌ها", articles: "مقاله‌ها",
      coverage: "پوشش", dateRange: "بازهٔ ممکن", admin1: "استان", geoPrecision: "دقت مکان",
    },
    precision: { day: "روز", week: "هفته", month: "ماه", year: "سال", unknown: "نامعلوم" },
    geoPrecision: { 1: "دقیق", 2: "نزدیک", 3: "منطقه یا کشور" },
    unknown: "نامعلوم",
    none: "—",
    according: (names) => `به گفتهٔ ${joinFa(names)}`,
    claimed: (who, by) => by.length
      ? `${joinFa(who)} مسئولیت را بر عهده گرفت (به گفتهٔ ${joinFa(by)})`
      : `${joinFa(who)} مسئولیت را بر عهده گرفت`,
    blamed: (who, by) => by.length
      ? `${joinFa(by)}، ${joinFa(who)} را مسئول دانست`
      : `${joinFa(who)} مسئول دانسته شد`,
    denied: (who, by) => by.length
      ? `به گفتهٔ ${joinFa(by)}، ${joinFa(who)} تکذیب کرد`
      : `${joinFa(who)} تکذیب کرد`,
    noAttribution: "منبع یا انتسابی در متن نیامده است.",
    fatalitiesNote: "ارقام منبع‌ها متفاوت است؛ کمترین رقم آمده است (قاعدهٔ ACLED).",
    saidBy: (names) => `به نقل از ${joinFa(names)}`,
    noConflicts: "منبع‌ها در هیچ مقداری ناهمخوان نیستند.",
    published: "انتشار",
    outlet: "رسانه",
    openOriginal: "نشانی اصلی",
    highlightLegend: "رنگ‌ها: ",
    articleLoading: "بارگیری متن مقاله…",
    extractIntro: "متن یک خبر را بچسبانید تا رخدادهای آن و شاهدهایشان را ببینید. چیزی ذخیره نمی‌شود.",
    extractText: "متن خبر",
    extractPublished: "تاریخ انتشار",
    extractSubmit: "استخراج رخدادها",
    extractNone: "رخدادی در این متن یافت نشد.",
    extractFound: (n) => `${n} رخداد یافت شد. برای دیدن شاهدهای هر رخداد روی آن بزنید.`,
    errorPrefix: "خطا: ",
    modality: {
      asserted: "رسانه آن را واقعیت گزارش کرده است",
      reported: "به نقل از منبع گزارش شده است",
      alleged: "ادعا شده است",
      denied: "تکذیب شده است",
    },
    types: { ASSAULT: "حمله", PROTEST: "اعتراض", COERCE: "فشار و بازداشت", MOBILIZE: "بسیج نیرو" },
    modes: {
      abduct: "آدم‌ربایی", aerial: "حملهٔ هوایی", beat: "ضرب و شتم", destroy: "تخریب", drone: "پهپاد",
      explosives: "انفجار", firearms: "سلاح گرم", "heavy-weapons": "سلاح سنگین", "suicide-attack": "عملیات انتحاری",
      targeted: "ترور یا حملهٔ هدفمند", arrest: "بازداشت", restrict: "محدودیت", seize: "توقیف",
      troops: "جابه‌جایی نیرو", weapons: "جابه‌جایی جنگ‌افزار", demo: "تظاهرات", riot: "شورش",
      strike: "اعتصاب", other: "دیگر",
    },
    weapons: {
      "Katyusha rocket": "راکت کاتیوشا", "Grad rocket": "راکت گراد", rocket: "راکت",
      "ballistic missile": "موشک بالستیک", "cruise missile": "موشک کروز", "anti-tank missile": "موشک ضدزره",
      missile: "موشک", mortar: "خمپاره", artillery: "توپخانه", drone: "پهپاد", airstrike: "حملهٔ هوایی",
      "car bomb": "خودروی بمب‌گذاری‌شده", IED: "بمب دست‌ساز", "suicide vest": "جلیقهٔ انفجاری",
      landmine: "مین", grenade: "نارنجک", bomb: "بمب", firearm: "سلاح گرم", knife: "سلاح سرد",
    },
    countries: {
      IRN: "ایران", IRQ: "عراق", SYR: "سوریه", LBN: "لبنان", ISR: "اسرائیل", PSE: "فلسطین", JOR: "اردن",
      TUR: "ترکیه", SAU: "عربستان سعودی", KWT: "کویت", BHR: "بحرین", QAT: "قطر", ARE: "امارات متحده عربی",
      OMN: "عمان", YEM: "یمن", AFG: "افغانستان", PAK: "پاکستان", EGY: "مصر", USA: "آمریکا",
      GBR: "بریتانیا", RUS: "روسیه", FRA: "فرانسه", DEU: "آلمان", AZE: "جمهوری آذربایجان", ARM: "ارمنستان",
      LBY: "لیبی", IND: "هند", CHN: "چین",
    },
    join: joinFa,
  };

  const en = {
    dir: "ltr",
    switchTo: "فارسی",
    switchToLang: "fa",
    title: "rokhdad",
    tagline: "Conflict incidents from Persian news, every value traced to its words",
    tiles: "Online map tiles (OpenStreetMap)",
    filtersLabel: "Filters",
    since: "From",
    until: "To",
    type: "Type",
    country: "Country",
    actor: "Actor",
    place: "Place",
    placePlaceholder: "place name",
    all: "All",
    reset: "Clear filters",
    mapLabel: "Map of incidents",
    timeline: "Incidents per day",
    timelineUndated: (n) => `${n} incidents not dated to a day (month, year or unknown) are not charted`,
    timelineHint: "Click a bar to filter to that day",
    timelineEmpty: "No incident is dated to a day",
    tabList: "List",
    tabIncident: "Incident",
    tabExtract: "Analyse a text",
    sort: "Sort",
    sorts: {
      "date": "Date (oldest first)", "-date": "Date (newest first)",
      "-fatalities": "Most fatalities", "fatalities": "Fewest fatalities",
      "-injured": "Most injured", "injured": "Fewest injured",
      "-mentions": "Most mentions", "mentions": "Fewest mentions",
      "-articles": "Most articles", "articles": "Fewest articles",
      "-sources": "Most outlets", "sources": "Fewest outlets",
    },
    count: (shown, total) => shown === total ? `${total} incidents` : `${shown} of ${total} incidents`,
    noLocation: (n) => `${n} incidents have no known location and are not on the map`,
    more: "More",
    empty: "No incident matches these filters.",
    loading: "Loading…",
    legend: "Legend",
    legendSize: "Size: fatalities",
    legendUnknown: "fatalities unknown",
    killed: (n) => `${n} killed`,
    injuredN: (n) => `${n} injured`,
    articlesN: (n) => `${n} article${String(n) === "1" ? "" : "s"}`,
    sourcesN: (n) => `${n} outlet${String(n) === "1" ? "" : "s"}`,
    back: "Back to the list",
    noIncident: "Choose an incident on the map or in the list.",
    fields: {
      type: "Type", mode: "Mode", date: "Date", place: "Place", actors: "Actors", targets: "Targets",
      weapon: "Weapon", weapon_count: "Weapon count", fatalities: "Fatalities", injured: "Injured",
      modality: "Reporting", sources: "Sources", attributed_to: "Held responsible",
      claimed_by: "Claimed by", denied_by: "Denied by", "attributed_to.by": "Blamed by",
      "claimed_by.by": "Claim made by", "denied_by.by": "Denial made by", evidence: "Evidence sentence",
      category: "ACLED category", attribution: "Attribution", conflicts: "Conflicts between sources",
      articles: "Articles", coverage: "Coverage", dateRange: "Possible range", admin1: "Province",
      geoPrecision: "Location precision",
    },
    precision: { day: "day", week: "week", month: "month", year: "year", unknown: "unknown" },
    geoPrecision: { 1: "exact", 2: "near", 3: "region or country" },
    unknown: "unknown",
    none: "—",
    according: (names) => `According to ${joinEn(names)}`,
    claimed: (who, by) => by.length
      ? `${joinEn(who)} claimed responsibility (statement by ${joinEn(by)})`
      : `${joinEn(who)} claimed responsibility`,
    blamed: (who, by) => by.length
      ? `${joinEn(by)} held ${joinEn(who)} responsible`
      : `${joinEn(who)} was held responsible`,
    denied: (who, by) => by.length
      ? `According to ${joinEn(by)}, ${joinEn(who)} denied it`
      : `${joinEn(who)} denied it`,
    noAttribution: "The text names no source or attribution.",
    fatalitiesNote: "Sources give different figures; the lowest is shown (ACLED's rule).",
    saidBy: (names) => `citing ${joinEn(names)}`,
    noConflicts: "The sources agree on every value.",
    published: "Published",
    outlet: "Outlet",
    openOriginal: "original link",
    highlightLegend: "Colours: ",
    articleLoading: "Loading the article text…",
    extractIntro: "Paste a news text to see its incidents and their evidence. Nothing is stored.",
    extractText: "News text",
    extractPublished: "Publication date",
    extractSubmit: "Extract incidents",
    extractNone: "No incident was found in this text.",
    extractFound: (n) => `${n} incident${String(n) === "1" ? "" : "s"} found. Click one to see its evidence.`,
    errorPrefix: "Error: ",
    modality: {
      asserted: "stated as fact by the outlet",
      reported: "reported, citing a source",
      alleged: "alleged",
      denied: "denied",
    },
    types: { ASSAULT: "Assault", PROTEST: "Protest", COERCE: "Coercion", MOBILIZE: "Mobilisation" },
    modes: {
      abduct: "abduction", aerial: "air strike", beat: "beating", destroy: "destruction", drone: "drone",
      explosives: "explosives", firearms: "firearms", "heavy-weapons": "heavy weapons",
      "suicide-attack": "suicide attack", targeted: "targeted attack", arrest: "arrest", restrict: "restriction",
      seize: "seizure", troops: "troop movement", weapons: "weapons movement", demo: "demonstration",
      riot: "riot", strike: "strike", other: "other",
    },
    weapons: {},
    countries: {},
    join: joinEn,
  };

  window.I18N = { fa, en };
})();
