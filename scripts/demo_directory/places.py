"""Data: the demo directory's regions, cities, organizations and places."""

from demo_directory.model import City, Org, Place, Region

CAMBODIA = Region(
    "Cambodia",
    ("km", "th", "vi", "en"),
    (102.3, 10.4, 107.7, 14.7),
    "Anywhere in Cambodia.",
)
CENTRAL_ASIA = Region(
    "Central Asia",
    ("ru", "kk", "uz", "ky", "tg", "en"),
    (55.9, 37.1, 87.4, 55.5),
    "Kazakhstan, Uzbekistan and neighbouring countries of Central Asia.",
)

CITIES: dict[str, City] = {
    city.slug: city
    for city in (
        City(
            "phnom-penh",
            "Phnom Penh",
            CAMBODIA,
            "KH",
            "Phnom Penh",
            "Asia/Phnom_Penh",
            11.5564,
            104.9282,
            (-0.05, 0.03, -0.07, -0.005),
            ("08:00", "17:00"),
        ),
        City(
            "siem-reap",
            "Siem Reap",
            CAMBODIA,
            "KH",
            "Siem Reap",
            "Asia/Phnom_Penh",
            13.3633,
            103.8564,
            (-0.04, 0.04, -0.04, 0.04),
            ("08:00", "17:00"),
        ),
        City(
            "almaty",
            "Almaty",
            CENTRAL_ASIA,
            "KZ",
            "Almaty",
            "Asia/Almaty",
            43.2383,
            76.9453,
            (-0.03, 0.05, -0.08, 0.06),
            ("09:00", "18:00"),
        ),
        City(
            "tashkent",
            "Tashkent",
            CENTRAL_ASIA,
            "UZ",
            "Tashkent",
            "Asia/Tashkent",
            41.2995,
            69.2401,
            (-0.06, 0.06, -0.06, 0.06),
            ("09:00", "18:00"),
        ),
    )
}


_FICTION = " A fictional organization of the Passage demo directory."

ORGS: dict[str, Org] = {
    org.slug: org
    for org in (
        # Cambodia
        Org(
            "lotus-bridge",
            "Lotus Bridge Legal Aid (demo)",
            "Free legal aid for survivors of trafficking and forced labour in Phnom Penh and "
            "Siem Reap." + _FICTION,
        ),
        Org(
            "mekong-haven",
            "Mekong Haven Women's Shelter (demo)",
            "Safe accommodation and counselling for women who have been trafficked or "
            "sexually exploited." + _FICTION,
        ),
        Org(
            "little-kites",
            "Little Kites Children's Home (demo)",
            "Residential care, case management and family tracing for children." + _FICTION,
        ),
        Org(
            "sunrise-clinic",
            "Sunrise Community Clinic (demo)",
            "A community health clinic with an around-the-clock emergency room." + _FICTION,
        ),
        Org(
            "angkor-care",
            "Angkor Care Health Centre (demo)",
            "Primary and women's health care, counselling and nutrition support in Siem Reap."
            + _FICTION,
        ),
        Org(
            "tonle-men",
            "Tonle Men's Safe House (demo)",
            "Short-stay accommodation for men returning from forced labour on fishing boats, "
            "farms and building sites." + _FICTION,
        ),
        Org(
            "mosaic-counselling",
            "Mosaic Counselling Collective (demo)",
            "Crisis counselling and peer support groups run by trained Khmer counsellors."
            + _FICTION,
        ),
        Org(
            "pp-social-affairs",
            "Phnom Penh Municipal Department of Social Affairs (demo)",
            "The government social service of the capital: victim identification, case "
            "management and reintegration support." + _FICTION,
        ),
        Org(
            "sr-social-affairs",
            "Siem Reap Provincial Department of Social Affairs (demo)",
            "The provincial government social service: social work, returnee reception and "
            "child protection." + _FICTION,
        ),
        Org(
            "bridgewords",
            "BridgeWords Interpreters (demo)",
            "Khmer, Thai, Vietnamese and English interpreters for police, courts and clinics."
            + _FICTION,
        ),
        Org(
            "fresh-start",
            "Fresh Start Skills Centre (demo)",
            "Vocational training, literacy classes and job placement for young adults." + _FICTION,
        ),
        Org(
            "safe-return",
            "Safe Return Transport Network (demo)",
            "Escorted travel home, emergency kits and a return hotline across Cambodia." + _FICTION,
        ),
        Org(
            "justice-first",
            "Justice First Compensation Project (demo)",
            "Helps survivors claim compensation and restitution from offenders and employers."
            + _FICTION,
        ),
        Org(
            "harbour-migrants",
            "Harbour Migrant Rights Centre (demo)",
            "Documents, status and labour rights for Thai and Vietnamese migrant workers in "
            "Cambodia and Cambodians returning from abroad." + _FICTION,
        ),
        # Central Asia
        Org(
            "steppe-legal",
            "Steppe Legal Aid Bureau (demo)",
            "Lawyers representing victims of trafficking in criminal and labour cases in "
            "Almaty and Tashkent." + _FICTION,
        ),
        Org(
            "apple-orchard",
            "Apple Orchard Women's Refuge (demo)",
            "A refuge and crisis line for women and their children." + _FICTION,
        ),
        Org(
            "silk-road-children",
            "Silk Road Children's Refuge (demo)",
            "Shelters and child protection casework for unaccompanied and exploited children."
            + _FICTION,
        ),
        Org(
            "tien-shan-clinic",
            "Tien Shan Family Clinic (demo)",
            "A family clinic with 24-hour care and a trauma-informed outpatient service."
            + _FICTION,
        ),
        Org(
            "chorsu-health",
            "Chorsu Health Point (demo)",
            "A polyclinic near the old town with women's health and mental health services."
            + _FICTION,
        ),
        Org(
            "caravan-men",
            "Caravan Men's Hostel (demo)",
            "Hostels for men escaping labour exploitation, with meals and clothing." + _FICTION,
        ),
        Org(
            "open-sky",
            "Open Sky Psychological Centre (demo)",
            "Psychologists and psychiatrists offering counselling, therapy and support groups."
            + _FICTION,
        ),
        Org(
            "almaty-social",
            "Almaty City Social Protection Department (demo)",
            "The city's social protection service: benefits, case management and crisis "
            "support." + _FICTION,
        ),
        Org(
            "tashkent-social",
            "Tashkent City Centre for Social Rehabilitation (demo)",
            "Rehabilitation, child protection and material help for people in crisis." + _FICTION,
        ),
        Org(
            "tumar-language",
            "Tumar Language Line (demo)",
            "Telephone, video and on-site interpreters for the languages of Central Asia."
            + _FICTION,
        ),
        Org(
            "migrant-compass",
            "Migrant Compass Rights Centre (demo)",
            "Legal help for labour migrants from Kyrgyzstan, Tajikistan and Uzbekistan." + _FICTION,
        ),
        Org(
            "new-path",
            "New Path Vocational Centre (demo)",
            "Vocational courses, job placement and starter kits for survivors." + _FICTION,
        ),
        Org(
            "steppe-wind",
            "Steppe Wind Return Service (demo)",
            "Escorted return travel and transport to appointments across Central Asia." + _FICTION,
        ),
        Org(
            "crescent-garden",
            "Crescent Garden Women's Shelter (demo)",
            "A shelter and advocacy service for women survivors of trafficking and violence."
            + _FICTION,
        ),
    )
}


PLACES: dict[str, Place] = {
    place.key: place
    for place in (
        # Phnom Penh
        Place(
            "pp-mekong-haven-shelter",
            "phnom-penh",
            "Mekong Haven shelter, Phnom Penh",
            "Drop-in office, No. 41, Street 163, Sangkat Tuol Svay Prey 1, Khan Chamkar Mon",
            "120308",
            ("km", "en"),
            "No. 17B, Street 371, Sangkat Stueng Mean Chey, Khan Mean Chey",
            "Confidential shelter. Meet staff at the drop-in office; they will take the woman "
            "to the shelter.",
        ),
        Place(
            "pp-mekong-haven-day",
            "phnom-penh",
            "Mekong Haven Day Centre",
            "No. 41, Street 163, Sangkat Tuol Svay Prey 1, Khan Chamkar Mon",
            "120308",
            ("km", "en"),
        ),
        Place(
            "pp-little-kites-home",
            "phnom-penh",
            "Little Kites home, Phnom Penh",
            "Drop-in office, No. 88, Street 598, Sangkat Boeng Kak 2, Khan Tuol Kouk",
            "120408",
            ("km", "en"),
            "No. 9, Street 2004, Sangkat Tuek Thla, Khan Sen Sok",
            "Confidential children's home. Children are handed over at the drop-in office.",
        ),
        Place(
            "pp-little-kites-office",
            "phnom-penh",
            "Little Kites casework office",
            "No. 88, Street 598, Sangkat Boeng Kak 2, Khan Tuol Kouk",
            "120408",
            ("km", "en"),
        ),
        Place(
            "pp-tonle-men",
            "phnom-penh",
            "Tonle Men's Safe House, Phnom Penh",
            "No. 230, Street 271, Sangkat Boeng Tumpun, Khan Mean Chey",
            "120603",
            ("km", "th", "en"),
        ),
        Place(
            "pp-sunrise-clinic",
            "phnom-penh",
            "Sunrise Community Clinic",
            "No. 15, Street 360, Sangkat Boeng Keng Kang 3, Khan Boeng Keng Kang",
            "120110",
            ("km", "en", "vi"),
        ),
        Place(
            "pp-lotus-bridge",
            "phnom-penh",
            "Lotus Bridge Legal Aid, Phnom Penh office",
            "No. 62, Street 294, Sangkat Tonle Basak, Khan Chamkar Mon",
            "120101",
            ("km", "en"),
        ),
        Place(
            "pp-justice-first",
            "phnom-penh",
            "Justice First office",
            "No. 5E, Street 432, Sangkat Tuol Tumpung 2, Khan Chamkar Mon",
            "120306",
            ("km", "en"),
        ),
        Place(
            "pp-harbour-migrants",
            "phnom-penh",
            "Harbour Migrant Rights Centre",
            "No. 120, Street 215, Sangkat Veal Vong, Khan 7 Makara",
            "120307",
            ("km", "th", "vi", "en"),
        ),
        Place(
            "pp-social-affairs",
            "phnom-penh",
            "Municipal Department of Social Affairs",
            "No. 3, Street 114, Sangkat Srah Chak, Khan Daun Penh",
            "120210",
            ("km", "en"),
        ),
        Place(
            "pp-mosaic",
            "phnom-penh",
            "Mosaic Counselling Collective, Phnom Penh",
            "No. 27, Street 95, Sangkat Boeng Trabek, Khan Chamkar Mon",
            "120305",
            ("km",),
        ),
        Place(
            "pp-bridgewords",
            "phnom-penh",
            "BridgeWords Interpreters, head office",
            "No. 74, Street 51, Sangkat Chey Chumneah, Khan Daun Penh",
            "120207",
            ("km", "th", "vi", "en"),
        ),
        Place(
            "pp-fresh-start",
            "phnom-penh",
            "Fresh Start Skills Centre, Phnom Penh",
            "No. 310, Russian Federation Boulevard, Sangkat Teuk Laak 1, Khan Tuol Kouk",
            "120406",
            ("km", "en"),
        ),
        Place(
            "pp-safe-return",
            "phnom-penh",
            "Safe Return Transport Network, dispatch office",
            "No. 14, Street 217, Sangkat Phsar Depou 1, Khan Tuol Kouk",
            "120403",
            ("km", "th", "en"),
        ),
        # Siem Reap
        Place(
            "sr-little-kites-home",
            "siem-reap",
            "Little Kites home, Siem Reap",
            "Drop-in office, Wat Bo Road, Sala Kamraeuk Village, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
            "Trapeang Ses Village, Sangkat Kouk Chak",
            "Confidential children's home. Children are handed over at the drop-in office.",
        ),
        Place(
            "sr-little-kites-office",
            "siem-reap",
            "Little Kites casework office, Siem Reap",
            "Wat Bo Road, Sala Kamraeuk Village, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
        ),
        Place(
            "sr-angkor-care",
            "siem-reap",
            "Angkor Care Health Centre",
            "National Road 6, Taphul Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-lotus-bridge",
            "siem-reap",
            "Lotus Bridge Legal Aid, Siem Reap office",
            "Street 20, Mondul 1 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
        ),
        Place(
            "sr-social-affairs",
            "siem-reap",
            "Provincial Department of Social Affairs",
            "Charles de Gaulle Road, Sangkat Kouk Chak",
            "171206",
            ("km", "th", "en"),
        ),
        Place(
            "sr-returnee-centre",
            "siem-reap",
            "Returnee reception centre",
            "Road 63, Chong Kaosou Village, Sangkat Sla Kram",
            "171208",
            ("km", "th", "en"),
        ),
        Place(
            "sr-tonle-men",
            "siem-reap",
            "Tonle Men's Safe House, Siem Reap",
            "Phum Chreav, Sangkat Chreav",
            "171211",
            ("km", "th"),
        ),
        Place(
            "sr-mekong-haven-shelter",
            "siem-reap",
            "Mekong Haven shelter, Siem Reap",
            "Drop-in office, Sok San Road, Steung Thmey Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
            "Phum Khnar, Sangkat Chreav",
            "Confidential shelter. Meet staff at the drop-in office.",
        ),
        Place(
            "sr-mosaic",
            "siem-reap",
            "Mosaic Counselling Collective, Siem Reap",
            "Street 14, Old Market area, Sangkat Svay Dankum",
            "171202",
            ("km",),
        ),
        Place(
            "sr-bridgewords",
            "siem-reap",
            "BridgeWords Interpreters, Siem Reap desk",
            "Sivatha Boulevard, Mondul 2 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-harbour-migrants",
            "siem-reap",
            "Harbour Migrant Rights Centre, Siem Reap desk",
            "National Road 6, Krous Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-fresh-start",
            "siem-reap",
            "Fresh Start Skills Centre, Siem Reap",
            "Wat Damnak Road, Phum Wat Damnak, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
        ),
        Place(
            "sr-justice-first",
            "siem-reap",
            "Justice First, Siem Reap clinic",
            "Tep Vong Street, Mondul 1 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
        ),
        Place(
            "sr-safe-return",
            "siem-reap",
            "Safe Return Transport Network, Siem Reap station",
            "National Road 6, Phum Chong Kaosou, Sangkat Sla Kram",
            "171208",
            ("km", "th", "en"),
        ),
        # Almaty
        Place(
            "al-apple-orchard-refuge",
            "almaty",
            "Apple Orchard refuge",
            "Drop-in office, 54 Zhambyl Street, Almalinsky District",
            "050000",
            ("ru", "kk", "en"),
            "12 Orchard Lane (Bagdarly), Medeu District",
            "Confidential refuge. Meet staff at the drop-in office.",
        ),
        Place(
            "al-apple-orchard-office",
            "almaty",
            "Apple Orchard Women's Refuge, office",
            "54 Zhambyl Street, Almalinsky District",
            "050000",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-silk-road-home",
            "almaty",
            "Silk Road children's house, Almaty",
            "Drop-in office, 101 Abylai Khan Avenue, Almalinsky District",
            "050004",
            ("ru", "kk", "en"),
            "7 Kokorai Street, Bostandyk District",
            "Confidential children's house. Children are handed over at the drop-in office.",
        ),
        Place(
            "al-silk-road-office",
            "almaty",
            "Silk Road Children's Refuge, casework office",
            "101 Abylai Khan Avenue, Almalinsky District",
            "050004",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-tien-shan-clinic",
            "almaty",
            "Tien Shan Family Clinic",
            "220 Tole Bi Street, Auezov District",
            "050031",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-caravan-men",
            "almaty",
            "Caravan Men's Hostel, Almaty",
            "18 Rayimbek Avenue, Zhetysu District",
            "050016",
            ("ru", "kk", "ky", "tg"),
        ),
        Place(
            "al-steppe-legal",
            "almaty",
            "Steppe Legal Aid Bureau, Almaty",
            "77 Dostyk Avenue, Medeu District",
            "050010",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-migrant-compass",
            "almaty",
            "Migrant Compass Rights Centre",
            "33 Seifullin Avenue, Turksib District",
            "050007",
            ("ru", "kk", "ky", "tg", "uz", "en"),
        ),
        Place(
            "al-social-protection",
            "almaty",
            "City Social Protection Department",
            "15 Baitursynov Street, Almalinsky District",
            "050012",
            ("ru", "kk"),
        ),
        Place(
            "al-social-crisis-centre",
            "almaty",
            "City crisis centre",
            "40 Mustafin Street, Alatau District",
            "050063",
            ("ru", "kk"),
        ),
        Place(
            "al-open-sky",
            "almaty",
            "Open Sky Psychological Centre, Almaty",
            "9 Gogol Street, Medeu District",
            "050010",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-tumar",
            "almaty",
            "Tumar Language Line, Almaty office",
            "150 Nauryzbai Batyr Street, Almalinsky District",
            "050013",
            ("ru", "kk", "uz", "ky", "tg", "en"),
        ),
        Place(
            "al-new-path",
            "almaty",
            "New Path Vocational Centre, Almaty",
            "61 Suyunbay Avenue, Turksib District",
            "050008",
            ("ru", "kk"),
        ),
        Place(
            "al-steppe-wind",
            "almaty",
            "Steppe Wind Return Service, Almaty depot",
            "3 Raiymbek Avenue, Sayakhat bus station, Almalinsky District",
            "050016",
            ("ru", "kk", "ky", "uz", "tg"),
        ),
        # Tashkent
        Place(
            "ts-crescent-garden-shelter",
            "tashkent",
            "Crescent Garden shelter",
            "Drop-in office, 24 Shota Rustaveli Street, Yakkasaray District",
            "100070",
            ("uz", "ru", "en"),
            "6 Bog'kucha Street, Mirzo Ulugbek District",
            "Confidential shelter. Meet staff at the drop-in office.",
        ),
        Place(
            "ts-crescent-garden-office",
            "tashkent",
            "Crescent Garden Women's Shelter, advocacy office",
            "24 Shota Rustaveli Street, Yakkasaray District",
            "100070",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-silk-road-home",
            "tashkent",
            "Silk Road children's house, Tashkent",
            "Drop-in office, 45 Bunyodkor Avenue, Chilanzar District",
            "100043",
            ("uz", "ru", "en"),
            "11 Qatortol Street, Chilanzar District",
            "Confidential children's house. Children are handed over at the drop-in office.",
        ),
        Place(
            "ts-chorsu-health",
            "tashkent",
            "Chorsu Health Point",
            "2 Chorsu Square, Shaykhantakhur District",
            "100011",
            ("uz", "ru", "tg"),
        ),
        Place(
            "ts-caravan-men",
            "tashkent",
            "Caravan Men's Hostel, Tashkent",
            "80 Farhod Street, Chilanzar District",
            "100115",
            ("uz", "ru", "tg", "ky"),
        ),
        Place(
            "ts-social-rehab",
            "tashkent",
            "Centre for Social Rehabilitation",
            "19 Mukimi Street, Yakkasaray District",
            "100115",
            ("uz", "ru"),
        ),
        Place(
            "ts-steppe-legal",
            "tashkent",
            "Steppe Legal Aid Bureau, Tashkent",
            "5 Amir Temur Avenue, Yunusabad District",
            "100000",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-open-sky",
            "tashkent",
            "Open Sky Psychological Centre, Tashkent",
            "37 Mirabad Street, Mirabad District",
            "100015",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-tumar",
            "tashkent",
            "Tumar Language Line, Tashkent desk",
            "12 Navoi Street, Shaykhantakhur District",
            "100011",
            ("uz", "ru", "tg", "ky", "kk", "en"),
        ),
        Place(
            "ts-new-path",
            "tashkent",
            "New Path Vocational Centre, Tashkent",
            "70 Bobur Street, Yakkasaray District",
            "100100",
            ("uz", "ru"),
        ),
        Place(
            "ts-steppe-wind",
            "tashkent",
            "Steppe Wind Return Service, Tashkent desk",
            "Tashkent Railway Station, 1 Turkiston Street, Mirabad District",
            "100015",
            ("uz", "ru", "tg", "kk"),
        ),
    )
}
