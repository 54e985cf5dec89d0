//! A deterministic, labelled synthetic base of parties for measuring
//! duplicate detection.
//!
//! [`generate`] builds persons and organizations from Latvia, Norway,
//! Russia, Bulgaria, Greece, Germany, France, Poland and Britain, in their
//! own scripts, then adds:
//!
//! * **duplicates** with realistic damage: typos (insertion, deletion,
//!   substitution, transposition), given and family names swapped, a name
//!   given only as a display name, nicknames, Cyrillic or Greek against a
//!   Latin spelling (with another transliteration scheme than the
//!   matcher's, German-style `Iwanow` included), diacritics lost, e-mail
//!   case changed or replaced, phone and address formatting, birth dates
//!   with day and month swapped, missing fields;
//! * **hard negatives**: household members sharing family name, phone,
//!   address and sometimes a family e-mail; namesakes (same name, nothing
//!   else in common); sister firms (`Nordic Trade AS` and
//!   `Nordic Trade Group AS`).
//!
//! Every record carries the number of the real-world entity it describes,
//! so the true duplicate pairs are known. The generator uses its own small
//! seeded PRNG (SplitMix64): the same seed always gives the same base.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{MatchRecord, PartyKind, nicknames};

/// A small seeded PRNG (SplitMix64), good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A random element of `items`, or `""`-like default when empty.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or("")
    }
}

/// A generated base with its truth.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    /// The records.
    pub records: Vec<MatchRecord>,
    /// For each record, the number of the entity it describes.
    pub entity: Vec<u32>,
}

impl LabelledSet {
    /// Every pair `(i, j)`, `i < j`, of records describing one entity.
    pub fn true_pairs(&self) -> HashSet<(usize, usize)> {
        let mut by_entity: std::collections::HashMap<u32, Vec<usize>> = std::collections::HashMap::new();
        for (i, e) in self.entity.iter().enumerate() {
            by_entity.entry(*e).or_default().push(i);
        }
        let mut out = HashSet::new();
        for members in by_entity.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    out.insert((a.min(b), a.max(b)));
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Feminine {
    Same,
    Latvian,
    Slavic,
    Polish,
    Greek,
}

struct Country {
    code: &'static str,
    script: Script,
    feminine: Feminine,
    phone_prefix: &'static str,
    phone_digits: usize,
    male: &'static str,
    female: &'static str,
    family: &'static str,
    streets: &'static str,
    street_word: &'static str,
    cities: &'static str,
    domains: &'static str,
    legal: &'static str,
    org_words: &'static str,
    vat_prefix: &'static str,
    vat_digits: usize,
    vat_suffix: &'static str,
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "LV",
        script: Script::Latin,
        feminine: Feminine::Latvian,
        phone_prefix: "+371",
        phone_digits: 8,
        male: "Jānis Andris Mārtiņš Pēteris Kristaps Edgars Juris Aivars Raivis Gints Ģirts Roberts Artūrs Oskars Valdis Uldis Kārlis Normunds Egils Rihards",
        female: "Anna Ilze Līga Inese Kristīne Dace Zane Laura Evija Sanita Agnese Ieva Marta Elīna Santa Baiba Gunta Dzintra Ināra Maija",
        family: "Bērziņš Kalniņš Ozols Jansons Liepiņš Krūmiņš Balodis Eglītis Zariņš Pētersons Vītols Kļaviņš Ābols Siliņš Celmiņš Lācis Vanags Rozītis Šmits Grīnbergs Žagars Ķēniņš Lapiņš Kalns Strazdiņš Dūmiņš Sproģis Ošiņš Auziņš Birznieks Priede Zvirbulis Krastiņš Mežs Jēkabsons Vilks Lūsis Upītis Dzenis Freimanis",
        streets: "Brīvības Krišjāņa Barona Elizabetes Tērbatas Dzirnavu Stabu Gertrūdes Lāčplēša Miera Čaka",
        street_word: "iela",
        cities: "Rīga Jelgava Liepāja Daugavpils Ventspils Jūrmala Valmiera Cēsis",
        domains: "inbox.lv apollo.lv gmail.com tvnet.lv",
        legal: "SIA AS",
        org_words: "Baltijas Daugavas Rīgas Dzintara Latvijas Vidzemes Kurzemes Zemgales",
        vat_prefix: "LV",
        vat_digits: 11,
        vat_suffix: "",
    },
    Country {
        code: "NO",
        script: Script::Latin,
        feminine: Feminine::Same,
        phone_prefix: "+47",
        phone_digits: 8,
        male: "Ole Lars Bjørn Knut Håkon Eirik Sindre Magnus Henrik Kristian Jon Per Sondre Øyvind Torbjørn Geir Trond Espen Arne Stian",
        female: "Ingrid Kari Solveig Åse Marit Ragnhild Sigrid Nora Ingeborg Astrid Hilde Tone Siri Liv Kristin Randi Gro Berit Hege Mette",
        family: "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Berg Haugen Hagen Johannessen Bakken Sæther Solberg Strøm Dahl Lie Ødegård Aasen Bjørnstad Løken Halvorsen Jørgensen Moen Eide Brekke Myhre Lunde Fjeld Nygård Tangen Våge Røed Kvamme Grønli Sandvik Bøe Fossum Aune",
        streets: "Storgata Kirkegata Kongens Dronningens Bygdøy Thorvald Meyers Markveien Skippergata Torggata Møllergata",
        street_word: "gate",
        cities: "Oslo Bergen Trondheim Stavanger Tromsø Drammen Kristiansand Ålesund",
        domains: "online.no gmail.com hotmail.no telenor.no",
        legal: "AS ASA",
        org_words: "Nordic Fjord Viking Polar Norsk Nordlys Vestland Arktis",
        vat_prefix: "NO",
        vat_digits: 9,
        vat_suffix: "MVA",
    },
    Country {
        code: "RU",
        script: Script::Cyrillic,
        feminine: Feminine::Slavic,
        phone_prefix: "+7",
        phone_digits: 10,
        male: "Дмитрий Александр Сергей Андрей Алексей Михаил Иван Николай Владимир Юрий Евгений Павел Константин Борис Григорий Олег Виктор Игорь Роман Артём",
        female: "Екатерина Анна Мария Елена Ольга Татьяна Наталья Ирина Светлана Юлия Анастасия Дарья Людмила Надежда Галина Ксения Вера Полина Алина Марина",
        family: "Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев Титов Кузьмин Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Жуков Щукин Хрущёв Чернов Шилов Юдин",
        streets: "Тверская Арбат Садовая Пушкина Ленина Гагарина Мира Советская Невский Лесная",
        street_word: "ул.",
        cities: "Москва Санкт-Петербург Новосибирск Екатеринбург Казань Самара Омск",
        domains: "mail.ru yandex.ru gmail.com rambler.ru",
        legal: "ООО АО",
        org_words: "Волга Нева Сибирь Урал Балтика Байкал Альфа Восток",
        vat_prefix: "",
        vat_digits: 10,
        vat_suffix: "",
    },
    Country {
        code: "BG",
        script: Script::Cyrillic,
        feminine: Feminine::Slavic,
        phone_prefix: "+359",
        phone_digits: 9,
        male: "Георги Иван Димитър Николай Петър Христо Стоян Тодор Васил Александър Атанас Красимир Стефан Пламен Борислав Любомир Йордан Ангел Веселин Цветан",
        female: "Мария Иванка Елена Йорданка Пенка Десислава Гергана Цветелина Надежда Виолета Радка Станка Екатерина Теодора Милена Росица Албена Невена Снежана Мариана",
        family: "Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Василев Атанасов Петков Ангелов Колев Йорданов Маринов Стефанов Попов Михайлов Кръстев Костов Димов Павлов Събев Цветков Вълчев Тошев Ганчев Янков Славов Шишков Жеков Чолаков Щерев Бъчваров Първанов Златев Радев Русев Найденов",
        streets: "Витоша Граф Игнатиев Раковски Шипка Цар Симеон Оборище Патриарх Евтимий Александър Стамболийски",
        street_word: "ул.",
        cities: "София Пловдив Варна Бургас Русе Стара Загора Плевен",
        domains: "abv.bg mail.bg gmail.com dir.bg",
        legal: "ООД ЕООД АД",
        org_words: "Балкан Родопи Витоша Дунав Тракия Черноморец Пирин Искър",
        vat_prefix: "BG",
        vat_digits: 9,
        vat_suffix: "",
    },
    Country {
        code: "GR",
        script: Script::Greek,
        feminine: Feminine::Greek,
        phone_prefix: "+30",
        phone_digits: 10,
        male: "Γιώργος Δημήτρης Κωνσταντίνος Νίκος Παναγιώτης Χρήστος Ιωάννης Βασίλης Αθανάσιος Μιχάλης Σπύρος Ευάγγελος Αντώνης Θεόδωρος Στέλιος",
        female: "Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Γεωργία Δήμητρα Κωνσταντίνα Παρασκευή Ευαγγελία Αναστασία Χριστίνα Ιωάννα Θεοδώρα",
        family: "Παπαδόπουλος Παπαδάκης Γεωργίου Οικονόμου Νικολάου Βασιλείου Παπαγεωργίου Δημητρίου Ιωάννου Κωνσταντίνου Μακρής Αντωνίου Καραγιάννης Παππάς Αλεξίου Χατζής Θεοδωρίδης Σταματόπουλος Μαυρίδης Λαμπρόπουλος Κωστόπουλος Ζαχαρίου Πετρόπουλος Αθανασίου Σαββίδης",
        streets: "Ερμού Σταδίου Πανεπιστημίου Ακαδημίας Σόλωνος Πατησίων Αλεξάνδρας Βασιλίσσης",
        street_word: "",
        cities: "Αθήνα Θεσσαλονίκη Πάτρα Ηράκλειο Λάρισα Βόλος",
        domains: "gmail.com otenet.gr yahoo.gr",
        legal: "ΑΕ ΕΠΕ",
        org_words: "Αιγαίο Ολυμπος Ελλάς Ερμής Αθηνά Κρήτη",
        vat_prefix: "EL",
        vat_digits: 9,
        vat_suffix: "",
    },
    Country {
        code: "DE",
        script: Script::Latin,
        feminine: Feminine::Same,
        phone_prefix: "+49",
        phone_digits: 11,
        male: "Thomas Michael Andreas Stefan Frank Jürgen Klaus Wolfgang Peter Uwe Matthias Markus Christian Sebastian Jörg Dieter Günter Heinrich Friedrich Johannes",
        female: "Sabine Petra Monika Ursula Andrea Claudia Susanne Birgit Katharina Julia Anja Jutta Heike Gisela Renate Brigitte Karin Elke Margarete Elisabeth",
        family: "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann Weiß Jäger Groß Hahn Vogel",
        streets: "Haupt Bahnhof Garten Schiller Goethe Berliner Linden Kirch Schul Wald",
        street_word: "straße",
        cities: "Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig",
        domains: "web.de gmx.de gmail.com t-online.de",
        legal: "GmbH AG KG",
        org_words: "Rhein Alpen Nord Süd Hanse Elbe Bayern Schwarzwald",
        vat_prefix: "DE",
        vat_digits: 9,
        vat_suffix: "",
    },
    Country {
        code: "FR",
        script: Script::Latin,
        feminine: Feminine::Same,
        phone_prefix: "+33",
        phone_digits: 9,
        male: "Jean Pierre Michel André Philippe Louis Nicolas François Laurent Julien Sébastien Olivier Christophe Stéphane Guillaume Hervé Thierry Benoît Jérôme Rémi",
        female: "Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Sophie Céline Amélie Hélène Élodie Chloé Camille Aurélie Brigitte Martine Véronique Émilie Léa",
        family: "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François Martinez Légaré Rousseau Faure Blanc Guérin Boyer Gauthier Chevalier Perrin Clément Lemaître",
        streets: "Victor Hugo République Gambetta Jean Jaurès Pasteur Voltaire Foch Carnot Liberté Paix",
        street_word: "rue",
        cities: "Paris Lyon Marseille Toulouse Nice Nantes Strasbourg Bordeaux",
        domains: "orange.fr free.fr gmail.com laposte.net",
        legal: "SARL SAS SA",
        org_words: "Lumière Seine Provence Atlantique Alpes Loire Bretagne Azur",
        vat_prefix: "FR",
        vat_digits: 11,
        vat_suffix: "",
    },
    Country {
        code: "PL",
        script: Script::Latin,
        feminine: Feminine::Polish,
        phone_prefix: "+48",
        phone_digits: 9,
        male: "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Grzegorz Jakub Wojciech Łukasz Mateusz Stanisław Zbigniew Jan Adam Marek Rafał Dariusz Kamil",
        female: "Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Magdalena Joanna Zofia Monika Beata Aleksandra Dorota Jolanta Iwona Grażyna Justyna Halina",
        family: "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski Olszewski Stępień Górski Rutkowski Sikora Baran Duda Szewczyk Tomaszewski Pietrzak Marciniak",
        streets: "Marszałkowska Piękna Długa Krakowska Floriańska Mickiewicza Słowackiego Kościuszki Polna Ogrodowa",
        street_word: "ul.",
        cities: "Warszawa Kraków Łódź Wrocław Poznań Gdańsk Szczecin Lublin",
        domains: "wp.pl onet.pl gmail.com interia.pl",
        legal: "Sp. z o.o. S.A.",
        org_words: "Wisła Mazowsze Bałtyk Tatry Polska Śląsk Pomorze Warta",
        vat_prefix: "PL",
        vat_digits: 10,
        vat_suffix: "",
    },
    Country {
        code: "GB",
        script: Script::Latin,
        feminine: Feminine::Same,
        phone_prefix: "+44",
        phone_digits: 10,
        male: "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Andrew Edward Peter Stephen George Oliver Harry",
        female: "Elizabeth Margaret Susan Jennifer Sarah Emma Rebecca Catherine Lucy Emily Charlotte Olivia Hannah Laura Rachel Sophie Amelia Jessica Victoria Alice",
        family: "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen",
        streets: "High Church Station Victoria Park Mill Queen King's London Manor",
        street_word: "Street",
        cities: "London Manchester Birmingham Leeds Glasgow Bristol Edinburgh York",
        domains: "btinternet.com gmail.com outlook.com yahoo.co.uk",
        legal: "Ltd PLC LLP",
        org_words: "Albion Thames Crown Britannia Pennine Highland Mercia Wessex",
        vat_prefix: "GB",
        vat_digits: 9,
        vat_suffix: "",
    },
];

const ORG_ACTIVITY: &str = "Trade Logistics Consulting Systems Solutions Shipping Energy Foods Textiles Media Software Finance Invest Motors Pharma Design Transport Agro Tech Data Bau Metall Holz Marine Print Security Medical Build Furniture Timber";
const ORG_ACTIVITY_CYR: &str = "Трейд Логистик Консалт Системс Строй Энерго Фуд Медиа Софт Финанс Инвест Моторс Фарма Дизайн Транс Агро Тех Дата Металл Маркет";
const ORG_ACTIVITY_GR: &str = "Εμπορική Τεχνική Ναυτιλιακή Ενεργειακή Τροφίμων Κατασκευαστική Μεταφορική Συμβουλευτική";
const ORG_EXTRA: &str = "Group Holding International Partners Invest Service Nord Europe";

fn words(s: &'static str) -> Vec<&'static str> {
    s.split(' ').filter(|w| !w.is_empty()).collect()
}

fn feminine(form: Feminine, family: &str) -> String {
    let swap =
        |s: &str, from: &str, to: &str| -> Option<String> { s.strip_suffix(from).map(|stem| format!("{stem}{to}")) };
    let out = match form {
        Feminine::Same => None,
        Feminine::Latvian => swap(family, "š", "a")
            .or_else(|| swap(family, "is", "e"))
            .or_else(|| swap(family, "ons", "one"))
            .or_else(|| swap(family, "s", "a")),
        Feminine::Slavic => swap(family, "ов", "ова")
            .or_else(|| swap(family, "ёв", "ёва"))
            .or_else(|| swap(family, "ев", "ева"))
            .or_else(|| swap(family, "ин", "ина")),
        Feminine::Polish => swap(family, "ski", "ska").or_else(|| swap(family, "cki", "cka")),
        Feminine::Greek => {
            swap(family, "ος", "ου").or_else(|| swap(family, "ης", "η")).or_else(|| swap(family, "άς", "ά"))
        }
    };
    out.unwrap_or_else(|| family.to_owned())
}

/// A transliteration of Cyrillic or Greek text with another scheme than
/// the matcher's, varied at random: `й → y`, `х → h|kh`, `ю → yu|ju`,
/// `я → ya|ja`, `ий → iy|y|ij`, and a German-style variant (`в → w`,
/// `ш → sch`, `ч → tsch`).
fn popular_latin(rng: &mut Rng, s: &str) -> String {
    let german = rng.chance(0.15);
    let h_for_kh = rng.chance(0.4);
    let j_style = rng.chance(0.4);
    let iy = *["iy", "y", "ij", "ii"].get(rng.below(4)).unwrap_or(&"iy");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let upper = c.is_uppercase();
        let l = c.to_lowercase().next().unwrap_or(c);
        let next = chars.get(i + 1).map(|n| n.to_lowercase().next().unwrap_or(*n));
        let mut t: String = match (l, next) {
            ('и', Some('й')) => {
                i += 1;
                iy.to_owned()
            }
            ('ы', Some('й')) => {
                i += 1;
                "y".to_owned()
            }
            ('о', Some('у')) => {
                i += 1;
                if rng.chance(0.5) { "ou" } else { "u" }.to_owned()
            }
            _ => match l {
                'а' | 'α' | 'ά' => "a".into(),
                'б' => "b".into(),
                'β' => if rng.chance(0.8) { "v" } else { "b" }.into(),
                'в' => if german { "w" } else { "v" }.into(),
                'г' | 'γ' => "g".into(),
                'д' | 'δ' => "d".into(),
                'е' | 'ε' | 'έ' => "e".into(),
                'ё' => if rng.chance(0.5) { "yo" } else { "e" }.into(),
                'ж' => if german { "sh" } else { "zh" }.into(),
                'з' | 'ζ' => "z".into(),
                'и' | 'ι' | 'ί' | 'ϊ' | 'η' | 'ή' => "i".into(),
                'й' => if j_style || german { "j" } else { "y" }.into(),
                'к' | 'κ' => "k".into(),
                'л' | 'λ' => "l".into(),
                'м' | 'μ' => "m".into(),
                'н' | 'ν' => "n".into(),
                'о' | 'ο' | 'ό' | 'ω' | 'ώ' => "o".into(),
                'п' | 'π' => "p".into(),
                'р' | 'ρ' => "r".into(),
                'с' | 'σ' | 'ς' => "s".into(),
                'т' | 'τ' => "t".into(),
                'у' => "u".into(),
                'υ' | 'ύ' => if rng.chance(0.5) { "y" } else { "i" }.into(),
                'ф' | 'φ' => "f".into(),
                'х' => if h_for_kh { "h" } else { "kh" }.into(),
                'χ' => if h_for_kh { "h" } else { "ch" }.into(),
                'θ' => "th".into(),
                'ξ' => "x".into(),
                'ψ' => "ps".into(),
                'ц' => if german { "z" } else { "ts" }.into(),
                'ч' => if german { "tsch" } else { "ch" }.into(),
                'ш' => if german { "sch" } else { "sh" }.into(),
                'щ' => if german { "schtsch" } else { "shch" }.into(),
                'ъ' => "a".into(),
                'ы' => "y".into(),
                'ь' => "".into(),
                'э' => "e".into(),
                'ю' => if j_style { "ju" } else { "yu" }.into(),
                'я' => if j_style { "ja" } else { "ya" }.into(),
                _ => l.to_string(),
            },
        };
        if upper {
            let mut cs = t.chars();
            if let Some(f) = cs.next() {
                t = f.to_uppercase().chain(cs).collect();
            }
        }
        out.push_str(&t);
        i += 1;
    }
    out
}

/// Drops diacritics the way a keyboard without them does (`ø → o`,
/// `ä → a`, `ß → ss`), unlike the matcher's `ø → oe`.
fn ascii_keyboard(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ø' => out.push('o'),
            'Ø' => out.push('O'),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("Ae"),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'Ł' => out.push('L'),
            _ => out.extend(std::iter::once(c).nfd().filter(|d| !unicode_normalization::char::is_combining_mark(*d))),
        }
    }
    out
}

/// German umlauts spelled out (`ü → ue`).
fn umlauts_spelled(s: &str) -> String {
    s.replace('ü', "ue")
        .replace('ö', "oe")
        .replace('ä', "ae")
        .replace('Ü', "Ue")
        .replace('Ö', "Oe")
        .replace('Ä', "Ae")
        .replace('ß', "ss")
}

fn typo(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 3 {
        return s.to_owned();
    }
    let letters: Vec<char> = if chars.iter().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')) {
        "аеиоунрстлк".chars().collect()
    } else if chars.iter().any(|c| matches!(c, 'α'..='ω' | 'Α'..='Ω')) {
        "αεικλμνοπρστ".chars().collect()
    } else {
        "aeioulnrstkm".chars().collect()
    };
    // Keep the first letter: typos there are rarer and mostly visible.
    let pos = 1 + rng.below(chars.len() - 1);
    let letter = letters.get(rng.below(letters.len())).copied().unwrap_or('e');
    match rng.below(4) {
        0 => chars.insert(pos, letter),
        1 => {
            chars.remove(pos);
        }
        2 => {
            if let Some(c) = chars.get_mut(pos) {
                *c = letter;
            }
        }
        _ => {
            if pos + 1 < chars.len() {
                chars.swap(pos, pos + 1);
            } else {
                chars.swap(pos - 1, pos);
            }
        }
    }
    chars.into_iter().collect()
}

fn digits(rng: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    for k in 0..n {
        let d = if k == 0 { 1 + rng.below(9) } else { rng.below(10) };
        s.push(char::from(b'0' + d as u8));
    }
    s
}

fn ascii_local(rng: &mut Rng, s: &str) -> String {
    let latin = if !s.is_ascii() { ascii_keyboard(&popular_latin(rng, s)) } else { s.to_owned() };
    latin.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect()
}

fn org_name(c: &Country, core: &str, legal: &str) -> String {
    match c.code {
        "RU" | "BG" => format!("{legal} «{core}»"),
        "LV" => format!("{legal} \"{core}\""),
        _ => format!("{core} {legal}"),
    }
}

struct Gen {
    rng: Rng,
    set: LabelledSet,
    next_entity: u32,
    used_emails: HashSet<String>,
}

impl Gen {
    fn entity(&mut self) -> u32 {
        self.next_entity += 1;
        self.next_entity
    }

    fn push(&mut self, r: MatchRecord, entity: u32) {
        self.set.records.push(r);
        self.set.entity.push(entity);
    }

    fn unique_email(&mut self, local: &str, domain: &str) -> String {
        let mut e = format!("{local}@{domain}");
        while self.used_emails.contains(&e) {
            e = format!("{local}{}@{domain}", self.rng.below(1000));
        }
        self.used_emails.insert(e.clone());
        e
    }

    fn phone(&mut self, c: &Country) -> String {
        format!("{}{}", c.phone_prefix, digits(&mut self.rng, c.phone_digits))
    }

    fn address(&mut self, c: &Country) -> String {
        let street = self.rng.pick(&words(c.streets));
        let city = self.rng.pick(&words(c.cities));
        let no = 1 + self.rng.below(120);
        let post = digits(&mut self.rng, 4);
        match c.code {
            "DE" => format!("{street}{} {no}, {post}0 {city}", c.street_word),
            "NO" => format!("{street} {no}, {post} {city}"),
            "FR" => format!("{no} {} {street}, {post}0 {city}", c.street_word),
            "GB" => format!("{no} {street} {}, {city}", c.street_word),
            "GR" => format!("{street} {no}, {post}0 {city}"),
            "LV" => format!("{street} {} {no}, {city}, LV-{post}", c.street_word),
            _ => format!("{} {street} {no}, {city} {post}", c.street_word),
        }
    }

    fn vat(&mut self, c: &Country) -> String {
        format!("{}{}{}", c.vat_prefix, digits(&mut self.rng, c.vat_digits), c.vat_suffix)
    }

    fn person(&mut self, ci: usize, female: bool) -> MatchRecord {
        let c = &COUNTRIES[ci % COUNTRIES.len()];
        let given = self.rng.pick(&words(if female { c.female } else { c.male }));
        let family_m = self.rng.pick(&words(c.family));
        let family = if female { feminine(c.feminine, family_m) } else { family_m.to_owned() };
        let mut given = given.to_owned();
        if matches!(c.code, "DE" | "FR" | "GB" | "NO") && self.rng.chance(0.1) {
            let second = self.rng.pick(&words(if female { c.female } else { c.male }));
            if second != given {
                let sep = if c.code == "FR" { "-" } else { " " };
                given = format!("{given}{sep}{second}");
            }
        }
        let mut r = MatchRecord::new(String::new(), PartyKind::Person);
        let (g_local, f_local) = (ascii_local(&mut self.rng, &given), ascii_local(&mut self.rng, &family));
        if self.rng.chance(0.9) {
            let domain = self.rng.pick(&words(c.domains));
            let local = match self.rng.below(5) {
                0 => format!("{g_local}.{f_local}"),
                1 => format!("{}.{f_local}", g_local.chars().next().unwrap_or('x')),
                2 => format!("{g_local}{f_local}"),
                3 => format!("{f_local}.{g_local}"),
                _ => format!("{g_local}_{f_local}{}", self.rng.below(100)),
            };
            r.emails.push(self.unique_email(&local, domain));
        }
        if self.rng.chance(0.85) {
            let p = self.phone(c);
            r.phones.push(p);
        }
        if self.rng.chance(0.55) {
            let y = 1940 + self.rng.below(65) as i32;
            let m = 1 + self.rng.below(12) as u32;
            let d = 1 + self.rng.below(28) as u32;
            r.birth_date = NaiveDate::from_ymd_opt(y, m, d);
        }
        if self.rng.chance(0.6) {
            let a = self.address(c);
            r.addresses.push(a);
        }
        if self.rng.chance(0.03) {
            r.vat_number = Some(self.vat(c));
        }
        r.given_name = Some(given);
        r.family_name = Some(family);
        r
    }

    fn organization(&mut self, ci: usize) -> (MatchRecord, String, &'static str) {
        let c = &COUNTRIES[ci % COUNTRIES.len()];
        let first = self.rng.pick(&words(c.org_words));
        let activity = match c.script {
            Script::Cyrillic => self.rng.pick(&words(ORG_ACTIVITY_CYR)),
            Script::Greek => self.rng.pick(&words(ORG_ACTIVITY_GR)),
            Script::Latin => self.rng.pick(&words(ORG_ACTIVITY)),
        };
        let mut core = format!("{first} {activity}");
        if self.rng.chance(0.35) {
            let third = self.rng.pick(&words(c.cities));
            core = format!("{core} {third}");
        }
        let legal = self.rng.pick(&words(c.legal));
        let legal = if c.code == "PL" { if self.rng.chance(0.7) { "Sp. z o.o." } else { "S.A." } } else { legal };
        let name = org_name(c, &core, legal);
        let mut r = MatchRecord::new(String::new(), PartyKind::Organization);
        r.display_name = Some(name);
        let domain_core = ascii_local(&mut self.rng, &core);
        let domain = format!("{domain_core}.{}", c.code.to_lowercase());
        if self.rng.chance(0.75) {
            let local = self.rng.pick(&["info", "post", "office", "kontakt", "sales"]);
            r.emails.push(self.unique_email(local, &domain));
        }
        if self.rng.chance(0.8) {
            let p = self.phone(c);
            r.phones.push(p);
        }
        if self.rng.chance(0.85) {
            r.vat_number = Some(self.vat(c));
        }
        if self.rng.chance(0.8) {
            let a = self.address(c);
            r.addresses.push(a);
        }
        (r, core, legal)
    }

    /// A damaged copy of a person.
    fn damage_person(&mut self, base: &MatchRecord, ci: usize) -> MatchRecord {
        let c = &COUNTRIES[ci % COUNTRIES.len()];
        let mut r = base.clone();
        let n = 1 + self.rng.below(3);
        for _ in 0..n {
            match self.rng.below(14) {
                0 | 1 => {
                    if let Some(f) = r.family_name.take() {
                        r.family_name = Some(typo(&mut self.rng, &f));
                    }
                }
                2 => {
                    if let Some(g) = r.given_name.take() {
                        r.given_name = Some(typo(&mut self.rng, &g));
                    }
                }
                3 => std::mem::swap(&mut r.given_name, &mut r.family_name),
                4 => {
                    // Nickname.
                    if let Some(g) = r.given_name.clone() {
                        let folded = super::normalize::fold_name(&g);
                        let skel = super::normalize::name_skeleton(&folded);
                        let groups = nicknames::groups_of_skeleton(&skel);
                        if let Some(&gi) = groups.first()
                            && let Some(group) = nicknames::GROUPS.get(usize::from(gi))
                        {
                            let alt = self.rng.pick(group);
                            let mut cs = alt.chars();
                            if let Some(f) = cs.next() {
                                r.given_name = Some(f.to_uppercase().chain(cs).collect());
                            }
                        }
                    }
                }
                5 | 6 => {
                    // Another script or spelling.
                    let conv = |g: &mut Gen, s: &str| -> String {
                        match c.script {
                            Script::Cyrillic | Script::Greek => popular_latin(&mut g.rng, s),
                            Script::Latin => {
                                if c.code == "DE" && g.rng.chance(0.5) {
                                    umlauts_spelled(s)
                                } else {
                                    ascii_keyboard(s)
                                }
                            }
                        }
                    };
                    if let Some(g) = r.given_name.clone() {
                        r.given_name = Some(conv(self, &g));
                    }
                    if let Some(f) = r.family_name.clone() {
                        r.family_name = Some(conv(self, &f));
                    }
                }
                7 => {
                    // Display name only.
                    let g = r.given_name.take().unwrap_or_default();
                    let f = r.family_name.take().unwrap_or_default();
                    r.display_name = Some(if self.rng.chance(0.5) {
                        format!("{g} {f}")
                    } else {
                        format!("{}, {g}", f.to_uppercase())
                    });
                }
                8 => {
                    for e in &mut r.emails {
                        *e = if self.rng.chance(0.5) {
                            e.to_uppercase()
                        } else {
                            let mut cs = e.chars();
                            cs.next().map(|f| f.to_uppercase().chain(cs).collect()).unwrap_or_default()
                        };
                    }
                }
                9 => {
                    if self.rng.chance(0.5) {
                        r.emails.clear();
                    } else {
                        r.phones.clear();
                    }
                }
                10 => {
                    if self.rng.chance(0.5) {
                        r.addresses.clear();
                    } else {
                        r.birth_date = None;
                    }
                }
                11 => {
                    for p in &mut r.phones {
                        let spaced: String = p
                            .chars()
                            .enumerate()
                            .flat_map(|(k, ch)| {
                                let sep = k > 0 && k % 3 == 0;
                                sep.then_some(' ').into_iter().chain(std::iter::once(ch))
                            })
                            .collect();
                        *p = spaced;
                    }
                    for a in &mut r.addresses {
                        *a = a
                            .replace("iela", "iel.")
                            .replace("straße", "str.")
                            .replace("gata", "gt.")
                            .replace("Street", "St")
                            .to_uppercase();
                    }
                }
                12 => {
                    // A new e-mail address (new provider).
                    if !r.emails.is_empty() {
                        let local = format!(
                            "{}{}",
                            ascii_local(&mut self.rng, r.family_name.as_deref().unwrap_or("x")),
                            self.rng.below(100)
                        );
                        let domain = self.rng.pick(&words(c.domains));
                        r.emails = vec![self.unique_email(&local, domain)];
                    }
                }
                _ => {
                    if let Some(d) = r.birth_date {
                        use chrono::Datelike;
                        // Day and month swapped, or one mistyped digit of the day
                        // or of the year's last digit.
                        let y = d.year();
                        r.birth_date = if d.day() <= 12 && self.rng.chance(0.5) {
                            NaiveDate::from_ymd_opt(y, d.day(), d.month())
                        } else if self.rng.chance(0.5) {
                            NaiveDate::from_ymd_opt(y - y % 10 + (y % 10 + 1) % 10, d.month(), d.day())
                        } else {
                            let day = d.day() - d.day() % 10 + (d.day() % 10 + 3) % 10;
                            NaiveDate::from_ymd_opt(y, d.month(), day.max(1))
                        }
                        .or(Some(d));
                    }
                }
            }
        }
        r
    }

    fn damage_org(&mut self, base: &MatchRecord, ci: usize) -> MatchRecord {
        let c = &COUNTRIES[ci % COUNTRIES.len()];
        let mut r = base.clone();
        let n = 1 + self.rng.below(3);
        for _ in 0..n {
            let name = r.display_name.clone().unwrap_or_default();
            match self.rng.below(9) {
                0 | 1 => r.display_name = Some(typo(&mut self.rng, &name)),
                2 => {
                    // Legal form dropped.
                    let legal = words(c.legal);
                    let mut s = name.clone();
                    for l in legal {
                        s = s.replace(l, "");
                    }
                    let s = s.replace("Sp. z o.o.", "").replace("S.A.", "");
                    r.display_name = Some(s.trim().to_owned());
                }
                3 => {
                    r.display_name = Some(match c.script {
                        Script::Latin => ascii_keyboard(&name).to_uppercase(),
                        _ => popular_latin(&mut self.rng, &name),
                    });
                }
                4 => {
                    for e in &mut r.emails {
                        *e = e.to_uppercase();
                    }
                    for p in &mut r.phones {
                        p.insert(p.len().min(4), ' ');
                    }
                }
                5 => {
                    if self.rng.chance(0.5) {
                        r.phones.clear();
                    } else {
                        r.emails.clear();
                    }
                }
                6 => r.addresses.clear(),
                7 => {
                    if let Some(v) = r.vat_number.take() {
                        let prefixed = v.chars().take(2).all(|ch| ch.is_ascii_alphabetic());
                        r.vat_number = if prefixed && self.rng.chance(0.5) {
                            Some(v.chars().skip(2).collect())
                        } else if self.rng.chance(0.5) {
                            None
                        } else {
                            Some(format!("{} {}", &v[..2.min(v.len())], &v[2.min(v.len())..]))
                        };
                    }
                }
                _ => {
                    for a in &mut r.addresses {
                        *a = a.replace(',', "").to_lowercase();
                    }
                }
            }
        }
        r
    }
}

/// Generates a labelled base of about `n` records with `seed`: three
/// quarters persons, one quarter organizations, about 30 % of entities
/// duplicated once or twice, and the hard negatives described in the
/// module documentation.
pub fn generate(n: usize, seed: u64) -> LabelledSet {
    let mut g = Gen {
        rng: Rng::new(seed),
        set: LabelledSet { records: Vec::with_capacity(n + 16), entity: Vec::with_capacity(n + 16) },
        next_entity: 0,
        used_emails: HashSet::new(),
    };
    while g.set.records.len() < n {
        let ci = g.rng.below(COUNTRIES.len());
        let c = &COUNTRIES[ci];
        if g.rng.chance(0.75) {
            let female = g.rng.chance(0.5);
            let base = g.person(ci, female);
            let e = g.entity();
            g.push(base.clone(), e);
            let roll = g.rng.below(100);
            if roll < 30 {
                let copies = if roll < 6 { 2 } else { 1 };
                for _ in 0..copies {
                    let d = g.damage_person(&base, ci);
                    g.push(d, e);
                }
            } else if roll < 38 {
                // Household member: same family, shared phone and address.
                let mut other = g.person(ci, !female);
                let fam = base.family_name.clone().unwrap_or_default();
                let fam_m = fam.clone();
                other.family_name = Some(if female {
                    // Base is the woman: derive a plausible male form.
                    fam_m
                        .strip_suffix('а')
                        .map(str::to_owned)
                        .or_else(|| fam_m.strip_suffix("ska").map(|s| format!("{s}ski")))
                        .unwrap_or(fam_m.clone())
                } else {
                    feminine(c.feminine, &fam)
                });
                other.phones = base.phones.clone();
                other.addresses = base.addresses.clone();
                if g.rng.chance(0.25)
                    && let Some(e0) = base.emails.first()
                {
                    other.emails = vec![e0.clone()];
                }
                let e2 = g.entity();
                g.push(other, e2);
            } else if roll < 42 {
                // Namesake: same name, nothing else shared.
                let mut other = g.person(ci, female);
                other.given_name = base.given_name.clone();
                other.family_name = base.family_name.clone();
                let e2 = g.entity();
                g.push(other, e2);
            }
        } else {
            let (base, core, legal) = g.organization(ci);
            let e = g.entity();
            g.push(base.clone(), e);
            let roll = g.rng.below(100);
            if roll < 30 {
                let copies = if roll < 5 { 2 } else { 1 };
                for _ in 0..copies {
                    let d = g.damage_org(&base, ci);
                    g.push(d, e);
                }
            } else if roll < 40 {
                // Sister firm: one more word in the name, nothing shared.
                let (mut other, _, _) = g.organization(ci);
                let extra = g.rng.pick(&words(ORG_EXTRA));
                other.display_name = Some(org_name(c, &format!("{core} {extra}"), legal));
                let e2 = g.entity();
                g.push(other, e2);
            }
        }
    }
    for (i, r) in g.set.records.iter_mut().enumerate() {
        r.id = format!("r{i}");
    }
    g.set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        let a = generate(300, 7);
        let b = generate(300, 7);
        assert_eq!(a.records, b.records);
        assert!(!a.true_pairs().is_empty());
    }

    #[test]
    fn feminine_forms() {
        assert_eq!(feminine(Feminine::Latvian, "Bērziņš"), "Bērziņa");
        assert_eq!(feminine(Feminine::Slavic, "Иванов"), "Иванова");
        assert_eq!(feminine(Feminine::Polish, "Kowalski"), "Kowalska");
        assert_eq!(feminine(Feminine::Greek, "Παπαδόπουλος"), "Παπαδόπουλου");
    }
}
