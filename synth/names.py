"""Name material as data, written for padan from the patterns in docs/INDONESIA.md.

Each tuple is ordered from most to least frequent; `naming.py` draws from it with Zipf weights
(rank r has weight 1 / r**ZIPF_EXPONENT). Entries may hold several words ("Sri Wahyuni") where a
pair is really used as one name. Nothing here is copied from another project's name lists.
"""

from __future__ import annotations

ZIPF_EXPONENT = 0.7
# Javanese and Sundanese names are productive: besides the listed ones, names are built from a
# stem, a middle syllable and an ending (Har+ya+nto, Su+par+mi, Ka+ru+din). The generated names
# form the long tail, drawn with the flatter GENERATED_ZIPF_EXPONENT.
GENERATED_ZIPF_EXPONENT = 0.4

# --- Javanese: Su-/Soe- prefixes, -o endings, -wan/-wati (1970s), -yanto/-yanti (1980s) ---
JAVANESE_MALE = (
    "Sutrisno", "Slamet", "Mulyadi", "Supardi", "Supriyanto", "Wahyudi", "Suparman", "Sugiyanto",
    "Bambang", "Joko", "Budi", "Agus", "Sutarno", "Sumarno", "Sukirno", "Suyanto", "Sugeng",
    "Sunarto", "Purwanto", "Hartono", "Setiawan", "Kurniawan", "Darmawan", "Gunawan", "Hermawan",
    "Santoso", "Susilo", "Widodo", "Prasetyo", "Nugroho", "Raharjo", "Haryanto", "Suryanto",
    "Mardiyanto", "Sumadi", "Paijo", "Tukiman", "Sarno", "Karyono", "Wagiman", "Poniman",
    "Ngadiman", "Sukardi", "Sudarsono", "Priyanto", "Didik", "Hendro", "Sigit", "Teguh", "Wahyu",
    "Suwarno", "Suharto", "Sukarno", "Sutarjo", "Suratno", "Suyatno", "Suparno", "Suwardi",
    "Sudarmaji", "Sumarjo", "Triyono", "Wiyono", "Waluyo", "Margono", "Kasiman", "Kusnadi",
    "Mujiono", "Parman", "Rusdi", "Sardi", "Tarmuji", "Jumadi", "Tumiran", "Legiman", "Sukimin",
    "Warsito", "Wardoyo", "Sapto", "Yulianto", "Ariyanto", "Budiyanto", "Cahyono", "Dwiyanto",
    "Edi Susanto", "Heru Santoso", "Joko Susilo", "Bambang Sutrisno", "Agus Salim", "Rudi Hartono",
)
JAVANESE_FEMALE = (
    "Nurhayati", "Sulastri", "Sumiati", "Sri Wahyuni", "Sumarni", "Suyatmi", "Sunarti", "Suparmi",
    "Sutini", "Sukarti", "Suwarni", "Sumini", "Surtini", "Sri Rahayu", "Sri Lestari", "Siti Aminah",
    "Endang Sulistyowati", "Tri Wahyuni", "Dwi Lestari", "Lestari", "Rahayu", "Wahyuningsih",
    "Setyowati", "Kustini", "Marsinah", "Painem", "Tukinem", "Sainem", "Ngatiyem", "Parsiyem",
    "Wagiyem", "Sarmi", "Juminten", "Tumini", "Rusmini", "Sriyani", "Kartini", "Yuliani",
    "Purwanti", "Susanti", "Haryanti", "Suryanti", "Mulyani", "Handayani", "Kurniawati",
    "Setiawati", "Indrawati", "Darmawati", "Hermawati", "Winarti", "Wiji Astuti", "Sri Mulyani",
    "Sri Handayani", "Tutik", "Endang", "Ratna", "Dewi Lestari", "Yanti", "Suyanti", "Mardiyanti",
    "Sugiyanti", "Budiyanti", "Triyani", "Wiwik", "Ninik", "Umi Kalsum", "Siti Fatimah",
    "Murtini", "Supriyati", "Kasiyati", "Sumiyati", "Warsini", "Sulistyowati", "Widayati",
)
JAVANESE_FIRST_MALE = (
    "Agus", "Budi", "Eko", "Dwi", "Tri", "Joko", "Bambang", "Muhammad", "Heru", "Hadi", "Bayu",
    "Yudi", "Adi", "Rudi", "Arif", "Teguh", "Edi", "Sri", "Catur", "Slamet",
)
JAVANESE_FIRST_FEMALE = (
    "Sri", "Siti", "Dwi", "Tri", "Dewi", "Endang", "Nur", "Eka", "Ika", "Tutik", "Rina", "Yuli",
    "Retno", "Wahyu", "Umi", "Anik",
)

JAVANESE_STEMS = (
    "Su", "Har", "Pur", "Mar", "Sar", "Kar", "War", "Wid", "Sap", "Jum", "Pon", "Ngat", "Tum",
    "Wag", "Kas", "Rus", "Sri", "Tri", "Yul", "Sus", "Bud", "Mul", "Sul", "Dar", "Sut", "Ras",
    "Pras", "Ngad", "Wal", "Ram", "Kus", "Tar", "Sun", "Wah", "Sig",
)
JAVANESE_MIDDLES = ("", "ya", "ma", "na", "ra", "wa", "di", "ti", "ri", "mi", "ni", "ji", "tar",
                    "mar", "kar", "par", "yat", "dar", "kir", "giy", "pri", "har")
JAVANESE_ENDINGS_MALE = ("to", "no", "di", "man", "min", "jo", "yanto", "wanto", "ono", "adi",
                         "ardi", "yono", "ari", "ito", "wan", "sono")
JAVANESE_ENDINGS_FEMALE = ("ti", "ni", "mi", "yem", "nem", "yati", "wati", "yani", "ah", "asih",
                           "ningsih", "iyah", "tun", "ini", "yanti", "sih")
# Family-like second names that Javanese parents add since the 1960s.
JAVANESE_LAST_MALE = (
    "Santoso", "Hartono", "Wibowo", "Setiawan", "Susanto", "Prasetyo", "Nugroho", "Saputra",
    "Hidayat", "Kurniawan", "Wijaya", "Pranoto", "Sulistyo", "Purnomo", "Utomo", "Sasongko",
    "Raharjo", "Wicaksono", "Handoko", "Suryadi", "Prabowo", "Gunawan", "Setiadi", "Nugraha",
)
JAVANESE_LAST_FEMALE = (
    "Lestari", "Rahayu", "Wahyuni", "Handayani", "Susanti", "Setyaningsih", "Kusumawati",
    "Rahmawati", "Wulandari", "Puspitasari", "Anggraini", "Pratiwi", "Utami", "Astuti",
    "Purwaningsih", "Sulistyowati", "Widyastuti", "Kurniasih", "Safitri", "Yuliana",
)

# --- Sundanese: Asep/Ujang/Euis/Eneng, reduplicated pairs (Dayat Hidayat), f/p confusion ---
SUNDANESE_MALE = (
    "Asep Saepudin", "Hidayat", "Ujang", "Dede", "Cecep", "Ade", "Iwan", "Dadang", "Ayi",
    "Komarudin", "Saepudin", "Nandang", "Dadan", "Deden", "Wawan", "Yayan", "Ajat", "Entis",
    "Engkos", "Odang", "Udin", "Tatang", "Ocid", "Jajang", "Endang", "Aep Saepuloh", "Rohmat",
    "Maman", "Enjang", "Usep", "Iyus", "Dodi", "Herdi", "Ruhiyat", "Sobari", "Solihin", "Wahyudin",
    "Nurdin", "Supriatna", "Hendra", "Dikdik", "Agus Supriatna", "Dedi Mulyadi", "Budiman",
    "Suryana", "Sutisna", "Kusnadi", "Rustandi", "Mulyana", "Sopandi", "Dadi", "Atep",
)
SUNDANESE_FEMALE = (
    "Euis", "Eneng", "Neng", "Imas", "Iis", "Enok", "Cucu", "Yati Haryati", "Tati", "Titin",
    "Lilis", "Yuyun", "Nining", "Entin", "Dedeh", "Eti", "Ai", "Rina", "Nia Kurniasih", "Kokom",
    "Eha", "Popon", "Aas", "Nenden", "Ida Farida", "Nunung", "Elis", "Nani", "Yayah", "Ecin",
    "Cicih", "Mimin", "Atikah", "Siti Maesaroh", "Nurjanah", "Rohayati", "Sopiah", "Nurhasanah",
    "Heni", "Rosita", "Susilawati", "Kurniasih", "Rahmawati", "Yanti Susanti", "Enung",
)
SUNDANESE_FIRST_MALE = ("Asep", "Ujang", "Acep", "Atep", "Dede", "Cecep", "Aep", "Ade", "Agus")
SUNDANESE_FIRST_FEMALE = ("Euis", "Eneng", "Neng", "Enok", "Iis", "Imas", "Ai", "Siti", "Nia")
SUNDANESE_STEMS = ("De", "A", "Ju", "Ru", "Su", "Ta", "Ya", "En", "Ka", "Ma", "Sa", "Ha", "Ro",
                   "Ci", "I", "O", "U", "Na", "E", "Ko", "Mu", "Sol", "Sob")
SUNDANESE_MIDDLES = ("", "ha", "ya", "na", "ma", "ru", "su", "hi", "ep", "pu", "ka", "ti")
SUNDANESE_ENDINGS_MALE = ("din", "dang", "dan", "man", "jat", "yat", "ri", "hid", "mana", "tisna",
                          "pudin", "rudin", "sep", "ri", "nandar", "ndi", "wan")
SUNDANESE_ENDINGS_FEMALE = ("ih", "eh", "sih", "yati", "nah", "ti", "ni", "rah", "wati", "yah",
                            "nengsih", "idah", "min", "nung", "lis")
# Reduplicated or echoing pairs: the short form followed by the full one.
SUNDANESE_PAIRS_MALE = (
    "Dayat Hidayat", "Komar Komarudin", "Dadang Sudrajat", "Yayat Supriatna", "Ujang Suryana",
    "Maman Suherman", "Didin Saepudin", "Endang Sutisna", "Aep Saepudin", "Opik Taufik",
    "Apip Hanafi", "Ahup Wahyudin",
)
SUNDANESE_PAIRS_FEMALE = (
    "Yati Haryati", "Tati Sumiati", "Yani Suryani", "Eti Rohaeti", "Neni Suryani", "Lina Herlina",
    "Tini Kartini", "Yuyu Wahyuni", "Titi Sumiati", "Ani Suryani",
)

# --- Malay and Arabic-derived (Aceh, Riau, Banjar, Betawi, Sasak, Madura ...) ---
MALAY_MALE = (
    "Ismail", "Junaidi", "Herman", "Zulkarnain", "Syahrul", "Rusli", "Hasan", "Usman", "Sulaiman",
    "Yusuf", "Ibrahim", "Ilyas", "Idris", "Mansur", "Ramli", "Syamsul", "Hamdani", "Rahmat",
    "Zainuddin", "Nasrul", "Fadli", "Saiful", "Zulkifli", "Ridwan", "Mahmud", "Bahtiar", "Anwar",
    "Firdaus", "Jamaluddin", "Mukhlis", "Rizal", "Husaini", "Marzuki", "Effendi", "Hasbi",
    "Azhari", "Kamaruddin", "Safrizal", "Mustafa", "Yahya", "Abdullah", "Hamzah", "Iskandar",
    "Amiruddin", "Taufik", "Rosyid", "Sahlan", "Salim", "Wahid", "Zakaria",
)
MALAY_FEMALE = (
    "Nurhayati", "Fatimah", "Rosmawati", "Halimah", "Aisyah", "Rahmawati", "Zubaidah", "Nuraini",
    "Jamilah", "Maimunah", "Rukiah", "Salmah", "Mardiana", "Syarifah", "Yusniar", "Asmah",
    "Khadijah", "Rosnah", "Masitah", "Hasanah", "Nurlela", "Suryani", "Faridah", "Rohani",
    "Hamidah", "Saidah", "Mariani", "Nurbaiti", "Zainab", "Maryam", "Rahmah", "Sarifah", "Hindun",
    "Marlina", "Nurjannah", "Hafsah", "Aminah", "Zuraida", "Lailatul Fitriah", "Nurul Hidayah",
)
MALAY_FIRST_MALE = ("Muhammad", "Ahmad", "Mohammad", "Achmad", "Teuku", "Said")
ABDUL_SECOND = (
    "Rahman", "Aziz", "Karim", "Halim", "Hamid", "Wahab", "Majid", "Latif", "Rahim", "Gani",
    "Malik", "Rauf", "Kadir", "Manaf", "Muis", "Razak", "Syukur", "Jalil", "Haris", "Rasyid",
)
MALAY_FIRST_FEMALE = ("Siti", "Nur", "Nurul", "Cut", "Sitti", "Syarifah")
SITI_SECOND = (
    "Aminah", "Fatimah", "Khadijah", "Aisyah", "Maryam", "Zubaidah", "Rohmah", "Nurhaliza",
    "Rahmah", "Hawa", "Zainab", "Rukiah", "Salmah", "Halimah", "Hajar", "Sarah", "Hasanah",
    "Aini", "Hayati", "Jannah", "Laila", "Asiah", "Hidayah", "Azizah", "Fadilah",
)

# --- Batak: given name(s) + marga last ---
BATAK_MALE = (
    "Togar", "Parulian", "Maruli", "Hotman", "Tigor", "Jonner", "Poltak", "Sahat", "Benny",
    "Robert", "Johannes", "Daniel", "Samuel", "Rudolf", "Bonar", "Parlindungan", "Binsar",
    "Hasudungan", "Martua", "Hotma", "Torang", "Lamhot", "Marihot", "Tumpal", "Ahmad Rizal",
    "Muhammad Yusuf", "Sahala", "Rianto", "Erwin", "Frans", "Manahan", "Jansen", "Leonardo",
)
BATAK_FEMALE = (
    "Rina", "Sondang", "Tiurma", "Rosmawati", "Lasma", "Duma", "Ruth", "Dameria", "Rosdiana",
    "Nurmala", "Hotmaida", "Lenny", "Tiominar", "Rospita", "Rosida", "Saur Melina", "Tetty",
    "Masniari", "Lamria", "Herlina", "Friska", "Yanti", "Nurhayati", "Ratna", "Marta",
)
MARGA = (
    "Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Sinaga", "Saragih", "Damanik",
    "Purba", "Ginting", "Tarigan", "Sembiring", "Hutagalung", "Situmorang", "Simatupang",
    "Pardede", "Panjaitan", "Manurung", "Sitompul", "Pasaribu", "Silalahi", "Sihombing",
    "Napitupulu", "Hutapea", "Siahaan", "Tambunan", "Sitorus", "Marpaung", "Gultom", "Simbolon",
    "Butarbutar", "Sianturi", "Hasibuan", "Daulay", "Batubara", "Rangkuti", "Pohan", "Tampubolon",
    "Aritonang", "Hutabarat", "Perangin-angin", "Sitepu", "Karo Sekali", "Pakpahan", "Sirait",
)

# --- Minang ---
MINANG_MALE = (
    "Zulkifli", "Afrizal", "Yusrizal", "Syafri", "Rizal", "Hendri", "Zainal", "Jasman",
    "Zulhendri", "Yuhendri", "Nofrizal", "Desmon", "Syahrial", "Asrul", "Irwan", "Erizal",
    "Masrizal", "Yondri", "Azwar", "Yulizar", "Fauzi", "Syafrizal", "Novrizal", "Alfian",
    "Zulfahmi", "Edwar", "Yusman", "Nasrul", "Defri", "Darmansyah", "Syamsuar", "Efendi",
)
MINANG_FEMALE = (
    "Yulnita", "Nofrianti", "Desmawati", "Yusnimar", "Rosnida", "Nurhayati", "Yelmi", "Syafrida",
    "Elfira", "Ernawati", "Fitri", "Zurnida", "Yulianti", "Rahmi", "Asmaniar", "Desniati", "Elvi",
    "Yusmaniar", "Nurleli", "Rosmaniar", "Erniwati", "Yenti", "Nelfi", "Gusniati", "Nofita",
)

# --- Bugis and Makassar: Andi for noble families, -uddin names, Sitti ---
BUGIS_MALE = (
    "Baharuddin", "Syamsuddin", "Nurdin", "Haeruddin", "Ruslan", "Arifin", "Jamaluddin",
    "Hasanuddin", "Sudirman", "Amiruddin", "Kamaruddin", "Burhanuddin", "Basri", "Rahman",
    "Hamzah", "Muhtar", "Sahabuddin", "Ilham", "Syahrir", "Akbar", "Tamrin", "Lukman", "Darwis",
    "Mappiasse", "Lahuddin", "Abdul Rahman", "Muh. Yusuf", "Syarifuddin", "Nasaruddin",
    "Saharuddin", "Muhammad Arsyad", "Asri", "Mansyur", "Baso",
)
BUGIS_FEMALE = (
    "Hasnawati", "Nurhaedah", "Sitti Aisyah", "Hasmiati", "Nurhayati", "Jumriani", "Hasna",
    "Rahmawati", "Besse", "Kartini", "Suriani", "Hamsiah", "Murniati", "Nuraeni", "Hadijah",
    "Rosmiati", "Sahariah", "Hasniah", "Nursiah", "Sitti Hajar", "Hasmawati", "Nurhidayah",
    "Haerani", "Indo Tang", "Marwah", "Sitti Rahmah",
)

# --- Balinese: I/Ni + birth order + given; caste titles ---
BALINESE_BIRTH_ORDER_MALE = (("Wayan", "Putu", "Gede"), ("Made", "Kadek", "Nengah"),
                             ("Nyoman", "Komang"), ("Ketut",))
BALINESE_BIRTH_ORDER_FEMALE = (("Wayan", "Putu", "Luh Putu"), ("Made", "Kadek", "Luh Made"),
                               ("Nyoman", "Komang"), ("Ketut",))
BALINESE_BIRTH_ORDER_SHARES = (0.35, 0.3, 0.2, 0.15)
BALINESE_CASTE_MALE = ("Ida Bagus", "I Gusti Ngurah", "Anak Agung", "I Dewa", "I Gusti Bagus",
                       "Cokorda", "I Gusti Made", "Anak Agung Gede")
BALINESE_CASTE_FEMALE = ("Ida Ayu", "I Gusti Ayu", "Anak Agung Ayu", "Desak", "Dewa Ayu",
                         "Cokorda Istri", "Gusti Ayu")
BALINESE_MALE = (
    "Sudarma", "Suarta", "Sukadana", "Wirawan", "Artawan", "Budiarta", "Adnyana", "Sedana",
    "Gunawan", "Mertayasa", "Suardana", "Astawa", "Sudana", "Arya", "Agus Suardika", "Eka Putra",
    "Suweta", "Darmawan", "Widiana", "Sujana", "Parwata", "Suarjana", "Antara", "Wiadnyana",
    "Yasa", "Dharma", "Mudita", "Sukerta",
)
BALINESE_FEMALE = (
    "Sri", "Ayu", "Kartini", "Suartini", "Sukarmi", "Wartini", "Ariani", "Sumerti", "Astiti",
    "Widiastuti", "Yuliani", "Dewi", "Puspita", "Candra", "Sudiartini", "Suarni", "Murniasih",
    "Sriasih", "Wiratni", "Rai Sumertini", "Ayu Lestari", "Ratna", "Sunariasih",
)

# --- Chinese-Indonesian: adopted Indonesian surnames; old Hokkien names (Dutch spelling) ---
CHINESE_MALE = (
    "Hendra", "Budi", "Kevin", "Michael", "Steven", "William", "Andi", "Hendrik", "Johan", "Ferry",
    "Rudy", "Tommy", "Felix", "Jonathan", "Daniel", "Edwin", "Yohanes", "Herman", "Sugianto",
    "Eddy", "Jimmy", "Vincent", "Hartanto", "Ricky", "Samuel", "Iwan",
)
CHINESE_FEMALE = (
    "Susanti", "Lily", "Linda", "Yenny", "Fransiska", "Lanny", "Melinda", "Stephanie", "Jessica",
    "Vivian", "Cindy", "Elisabeth", "Meilani", "Lina", "Wenny", "Herlina", "Sandra", "Monica",
    "Lusiana", "Veronika", "Mega", "Natalia",
)
CHINESE_SURNAMES = (
    "Wijaya", "Salim", "Sutanto", "Gunawan", "Halim", "Tanoto", "Kurniawan", "Santoso", "Hartono",
    "Setiawan", "Lim", "Tanuwijaya", "Widjaja", "Hidayat", "Tjandra", "Wibowo", "Lie", "Kusuma",
    "Tanjaya", "Gozali", "Effendi", "Sugiarto", "Budiman", "Hermanto", "Limanto", "Sidharta",
    "Tan", "Chandra", "Tjahjadi", "Lukito",
)
CHINESE_OLD_SURNAMES = ("Tan", "Liem", "Oei", "Lie", "Kwee", "Oey", "Go", "Ong", "Kwik", "Njoo",
                        "Tjan", "Thio", "The", "Lauw", "Gouw", "Khoe")
CHINESE_OLD_SYLLABLES = (
    "Sioe", "Liong", "Kim", "Hok", "Hong", "Djien", "Tjie", "Hoei", "Swie", "Tjoen", "Bing", "Hwa",
    "Giok", "Lan", "Nio", "Siang", "Tjiang", "Kian", "Hien", "Soen", "Djoe", "Tek", "Gwan", "Bok",
)

# --- Eastern Indonesia (NTT, Maluku, Papua, Minahasa, Dayak): Christian given + clan name ---
EASTERN_MALE = (
    "Yohanes", "Yosef", "Fransiskus", "Agustinus", "Petrus", "Paulus", "Markus", "Yakobus",
    "Stefanus", "Antonius", "Yulius", "Marthen", "Yonas", "Daniel", "Frans", "Alfons", "Kornelis",
    "Simon", "Benediktus", "Blasius", "Dominikus", "Gabriel", "Hendrikus", "Lukas", "Matius",
    "Mikael", "Nikolaus", "Robertus", "Siprianus", "Viktor", "Yeremias", "Oktovianus", "Yan",
)
EASTERN_FEMALE = (
    "Maria", "Theresia", "Magdalena", "Yuliana", "Elisabeth", "Agustina", "Margaretha", "Katarina",
    "Fransiska", "Regina", "Veronika", "Yohana", "Sofia", "Anastasia", "Martha", "Yosefina",
    "Bernadeta", "Helena", "Klara", "Kristina", "Agnes", "Monika", "Paulina", "Ester", "Debora",
    "Maria Goreti", "Maria Magdalena", "Yuliana Ina",
)
EASTERN_FAMILY = {
    "ntt": ("Manafe", "Ndun", "Lakollo", "Bria", "Nahak", "Seran", "Tefa", "Sine", "Tallo", "Kolo",
            "Benu", "Djami", "Riwu", "Ratu", "Bunga", "Kewa", "Mau", "Nuwa", "Wutun", "Lewar",
            "Da Costa", "Fernandez", "Pareira", "Tanggu", "Bere"),
    "maluku": ("Pattiasina", "Latuheru", "Tuhumury", "Pattikawa", "Wattimena", "Sahetapy",
               "Lekatompessy", "Pelupessy", "Matulessy", "Ririmasse", "Tuanakotta", "Leiwakabessy",
               "Pattinama", "Sopacua"),
    "papua": ("Wenda", "Kogoya", "Wonda", "Tabuni", "Rumbiak", "Mandowen", "Yikwa", "Murib",
              "Wanimbo", "Rumbewas", "Karubaba", "Kambu", "Wakerkwa", "Gobai", "Pigai", "Mote",
              "Tebay", "Yoman", "Kossay", "Wetipo"),
    "minahasa": ("Mandagi", "Rumengan", "Pangemanan", "Wowor", "Sondakh", "Lumentut", "Tumbelaka",
                 "Tangkilisan", "Runtuwene", "Rompas", "Lengkong", "Sumampouw", "Wuisan", "Kalalo",
                 "Rondonuwu", "Sumual", "Lasut", "Mamahit"),
    "dayak": ("Ajang", "Lawing", "Usat", "Lejau", "Ding", "Nyaring", "Anyie", "Bilung", "Ngau",
              "Jalung"),
}
# Which clan-name list the eastern people of a province draw from (default: ntt).
EASTERN_FAMILY_BY_PROVINCE = {
    71: "minahasa", 81: "maluku", 82: "maluku", 91: "papua", 92: "papua", 93: "papua",
    94: "papua", 95: "papua", 96: "papua", 61: "dayak", 62: "dayak", 64: "dayak", 65: "dayak",
}

# --- Names given since the 2000s, across traditions (Muhammad Al Fatih topped 2024) ---
MODERN_FIRST_MALE = (
    "Muhammad", "Ahmad", "Rizky", "Aditya", "Dimas", "Fajar", "Rafi", "Arya", "Bima", "Raka",
    "Farhan", "Naufal", "Alif", "Fikri", "Galih", "Reza", "Bagas", "Dafa", "Rizki", "Kevin",
    "Ilham", "Yoga", "Aldi", "Andika", "Akbar", "Zaki", "Hafiz", "Azka", "Arkan", "Kenzo",
    "Abizar", "Gilang", "Rehan", "Satria",
)
MODERN_SECOND_MALE = (
    "Pratama", "Saputra", "Ramadhan", "Nugraha", "Hidayat", "Firmansyah", "Al Fatih", "Kurniawan",
    "Maulana", "Putra", "Wijaya", "Akbar", "Syahputra", "Setiawan", "Prasetyo", "Febriansyah",
    "Alfarizi", "Rizki", "Aditya", "Hakim", "Fauzan", "Ardiansyah", "Permana", "Kusuma",
    "Hermawan", "Alamsyah", "Rahman",
)
MODERN_FIRST_FEMALE = (
    "Putri", "Nabila", "Aisyah", "Siti", "Nur", "Dewi", "Anisa", "Salsabila", "Azzahra", "Aulia",
    "Dinda", "Ayu", "Rahma", "Zahra", "Alya", "Nadia", "Citra", "Intan", "Fitri", "Indah",
    "Amelia", "Syifa", "Keisha", "Kayla", "Alesha", "Nayla", "Khansa", "Adzkia", "Cahaya",
)
MODERN_SECOND_FEMALE = (
    "Ramadhani", "Lestari", "Putri", "Rahmawati", "Azzahra", "Aulia", "Safitri", "Amelia",
    "Maharani", "Pratiwi", "Anggraini", "Permata Sari", "Nurhaliza", "Febriani", "Wulandari",
    "Oktaviani", "Fitriani", "Handayani", "Kusuma", "Salsabila", "Khairunnisa", "Zahira",
    "Puspitasari", "Ayu Lestari",
)
