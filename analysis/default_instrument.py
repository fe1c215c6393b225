"""The default assessment instrument: nine areas of an NGO's capacity, 3–5 questions
each, every level (1 just starting, 2 developing, 3 established, 4 strong) with a
short descriptor in Latvian and English, and a hint of what would help. Written for
this portal in plain words; ``services.ensure_instrument`` copies it into a cycle.

Each question: (text, (level 1, 2, 3, 4), hint), each of them a (lv, en) pair.

``EXPERTISE``: per area, the codes of the mentors' expertise tags that help an
organisation weak in it (mentor matching); staff edit them per area in the admin."""

EXPERTISE = {
    "governance": ["governance", "law"],
    "strategy": ["strategy"],
    "finance": ["accounting"],
    "fundraising": ["fundraising", "project-applications"],
    "projects": ["project-applications"],
    "people": ["volunteers"],
    "communication": ["communication"],
    "partnerships": ["strategy", "social-enterprise"],
    "digital": ["digital"],
}

AREAS = [
    (
        "governance",
        ("Pārvaldība un juridiskais pamats", "Governance and legal basis"),
        [
            (
                (
                    "Vai statūti un reģistrētie dati atbilst tam, ko organizācija dara?",
                    "Do the statutes and registered details match what the organisation does?",
                ),
                (
                    (
                        "Statūti sen nav skatīti, dati reģistrā novecojuši.",
                        "The statutes are years old; the register is out of date.",
                    ),
                    (
                        "Statūti zināmi, bet daļa neatbilst ikdienas darbam.",
                        "The statutes are known, but parts no longer fit the daily work.",
                    ),
                    (
                        "Statūti atbilst darbam, izmaiņas reģistrē laikā.",
                        "The statutes fit the work; changes are registered on time.",
                    ),
                    (
                        "Statūtus regulāri pārskata, un tie atbalsta attīstību.",
                        "The statutes are reviewed regularly and support growth.",
                    ),
                ),
                (
                    "Kopā ar juristu pārskatiet statūtus pirms kopsapulces.",
                    "Review the statutes with a lawyer before the general meeting.",
                ),
            ),
            (
                ("Kā strādā valde?", "How does the board work?"),
                (
                    ("Valde pastāv tikai uz papīra.", "The board exists on paper only."),
                    (
                        "Valde tiekas reti, lēmumus pieņem viens cilvēks.",
                        "The board meets rarely; one person takes the decisions.",
                    ),
                    (
                        "Valde tiekas regulāri, lēmumus protokolē.",
                        "The board meets regularly and minutes its decisions.",
                    ),
                    (
                        "Valde sadala atbildību un pārrauga stratēģiju.",
                        "The board shares responsibility and oversees the strategy.",
                    ),
                ),
                (
                    "Ieviesiet valdes sēžu grafiku un protokolu veidni.",
                    "Set a calendar of board meetings and a template for minutes.",
                ),
            ),
            (
                (
                    "Vai biedri piedalās lēmumu pieņemšanā?",
                    "Do the members take part in decisions?",
                ),
                (
                    ("Biedri par lēmumiem neuzzina.", "Members do not hear about decisions."),
                    (
                        "Kopsapulce notiek, bet formāli.",
                        "The general meeting happens, but formally.",
                    ),
                    (
                        "Biedri regulāri lemj par svarīgiem jautājumiem.",
                        "Members regularly decide on important matters.",
                    ),
                    (
                        "Biedri aktīvi ierosina un vada iniciatīvas.",
                        "Members actively propose and lead initiatives.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai ir iekšējie noteikumi (piem., par interešu konfliktu, datu aizsardzību)?",
                    "Are there internal rules (e.g. conflicts of interest, data protection)?",
                ),
                (
                    ("Noteikumu nav.", "There are no rules."),
                    ("Daži noteikumi ir, bet tos nelieto.", "Some rules exist but are not used."),
                    (
                        "Galvenie noteikumi ir un tos ievēro.",
                        "The main rules exist and are followed.",
                    ),
                    (
                        "Noteikumus pārskata un māca jaunajiem cilvēkiem.",
                        "The rules are reviewed and taught to newcomers.",
                    ),
                ),
                (
                    "Sāciet ar interešu konflikta un personas datu noteikumiem.",
                    "Start with rules on conflicts of interest and personal data.",
                ),
            ),
        ],
    ),
    (
        "strategy",
        ("Stratēģija un plānošana", "Strategy and planning"),
        [
            (
                (
                    "Vai organizācijai ir skaidra misija un mērķi?",
                    "Does the organisation have a clear mission and goals?",
                ),
                (
                    ("Misija nav formulēta.", "The mission is not written down."),
                    (
                        "Misija ir, bet cilvēki to izprot dažādi.",
                        "There is a mission, but people read it differently.",
                    ),
                    (
                        "Misiju un mērķus zina un izmanto lēmumos.",
                        "The mission and goals are known and used in decisions.",
                    ),
                    (
                        "Mērķi ir izmērāmi, un tos regulāri pārskata.",
                        "The goals are measurable and reviewed regularly.",
                    ),
                ),
                (
                    "Vienas dienas darbnīca ar valdi un aktīvākajiem biedriem.",
                    "A one-day workshop with the board and the most active members.",
                ),
            ),
            (
                (
                    "Vai ir rakstisks darba plāns vairākiem gadiem?",
                    "Is there a written plan for several years?",
                ),
                (
                    (
                        "Plāna nav, strādājam no projekta uz projektu.",
                        "There is no plan; we go from project to project.",
                    ),
                    ("Ir gada plāns, bet ne ilgāks.", "There is a plan for the year, no longer."),
                    (
                        "Ir 2–3 gadu stratēģija ar prioritātēm.",
                        "There is a 2–3 year strategy with priorities.",
                    ),
                    (
                        "Stratēģiju izmanto budžetā un to atjauno.",
                        "The strategy drives the budget and is updated.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai zināt, kam un kādu labumu dodat?",
                    "Do you know whom you serve and what difference you make?",
                ),
                (
                    ("Mērķa grupa nav skaidra.", "The target group is unclear."),
                    (
                        "Mērķa grupa zināma, rezultātus neuzskaitām.",
                        "The target group is known; results are not recorded.",
                    ),
                    (
                        "Uzskaitām dalībniekus un galvenos rezultātus.",
                        "We record participants and the main results.",
                    ),
                    (
                        "Mērām ietekmi un izmantojam to plānošanā.",
                        "We measure our impact and plan with it.",
                    ),
                ),
                (
                    "Izveidojiet vienkāršu rezultātu uzskaites tabulu.",
                    "Keep a simple table of results.",
                ),
            ),
        ],
    ),
    (
        "finance",
        ("Finanšu vadība", "Financial management"),
        [
            (
                ("Kā tiek plānots budžets?", "How is the budget planned?"),
                (
                    ("Budžeta nav.", "There is no budget."),
                    ("Budžetu sastāda tikai projektiem.", "Budgets are made for projects only."),
                    (
                        "Ir visas organizācijas gada budžets.",
                        "There is a yearly budget for the whole organisation.",
                    ),
                    (
                        "Budžetu salīdzina ar faktu un koriģē.",
                        "The budget is compared with actuals and adjusted.",
                    ),
                ),
                ("Sāciet ar vienas lapas gada budžetu.", "Start with a one-page yearly budget."),
            ),
            (
                (
                    "Kā tiek kārtota grāmatvedība un pārskati?",
                    "How are the books and the reports kept?",
                ),
                (
                    ("Grāmatvedība nav sakārtota.", "The books are not in order."),
                    (
                        "Gada pārskats tiek iesniegts, bet ar grūtībām.",
                        "The annual report is filed, with difficulty.",
                    ),
                    (
                        "Grāmatvedība kārtota laikā, pārskati precīzi.",
                        "The books are kept on time and the reports are accurate.",
                    ),
                    (
                        "Finanšu pārskatus apspriež valde un publicē.",
                        "The board discusses the financial reports and publishes them.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai ir rezerves un naudas plūsmas plāns?",
                    "Are there reserves and a cash-flow plan?",
                ),
                (
                    ("Nav rezervju, bieži trūkst naudas.", "No reserves; money often runs short."),
                    (
                        "Naudas plūsmu seko līdzi, rezervju nav.",
                        "Cash flow is followed; there are no reserves.",
                    ),
                    (
                        "Ir neliela rezerve un naudas plūsmas plāns.",
                        "There is a small reserve and a cash-flow plan.",
                    ),
                    (
                        "Rezerve sedz vismaz trīs mēnešu izdevumus.",
                        "The reserve covers at least three months of costs.",
                    ),
                ),
                (
                    "Plānojiet naudas plūsmu projektiem ar atmaksu pēc izdevumiem.",
                    "Plan the cash flow of projects that are reimbursed after spending.",
                ),
            ),
        ],
    ),
    (
        "fundraising",
        ("Finansējuma piesaiste un ienākumu dažādība", "Fundraising and diversity of income"),
        [
            (
                ("Cik dažādi ir ienākumu avoti?", "How diverse are the sources of income?"),
                (
                    ("Viens avots vai neviena.", "One source or none."),
                    ("Divi avoti, viens dominē.", "Two sources; one dominates."),
                    (
                        "Vairāki avoti, neviens nepārsniedz pusi.",
                        "Several sources; none is more than half.",
                    ),
                    (
                        "Dažādi avoti, arī pašu ienākumi un ziedojumi.",
                        "Diverse sources, including own income and donations.",
                    ),
                ),
                (
                    "Izvērtējiet biedru naudas, ziedojumu un pakalpojumu iespējas.",
                    "Look at membership fees, donations and paid services.",
                ),
            ),
            (
                (
                    "Cik veiksmīgi rakstāt projektu pieteikumus?",
                    "How well do you write project applications?",
                ),
                (
                    ("Pieteikumus nerakstām.", "We do not write applications."),
                    ("Rakstām reti, atbalsta maz.", "We write rarely and are seldom funded."),
                    ("Rakstām regulāri, daļu atbalsta.", "We write regularly and some are funded."),
                    (
                        "Rakstām plānveidīgi, atbalsta lielāko daļu.",
                        "We write to a plan and most are funded.",
                    ),
                ),
                (
                    "Mentora konsultācija par pieteikuma loģisko ietvaru.",
                    "A mentor's consultation on the logical framework of an application.",
                ),
            ),
            (
                ("Vai sekojat finansējuma iespējām?", "Do you follow funding opportunities?"),
                (
                    ("Par konkursiem uzzinām nejauši.", "We hear of calls by chance."),
                    ("Dažreiz pārskatām konkursus.", "We look at calls now and then."),
                    (
                        "Regulāri sekojam konkursiem savā jomā.",
                        "We follow the calls in our field regularly.",
                    ),
                    (
                        "Ir gada finansējuma kalendārs un atbildīgais.",
                        "There is a yearly funding calendar and a person responsible.",
                    ),
                ),
                (
                    "Sekojiet portāla finansējuma katalogam.",
                    "Follow the portal's funding catalogue.",
                ),
            ),
            (
                (
                    "Vai ir attiecības ar ziedotājiem un atbalstītājiem?",
                    "Are there relationships with donors and supporters?",
                ),
                (
                    ("Ziedotāju nav.", "There are no donors."),
                    ("Daži ziedotāji, bez saziņas.", "A few donors, not kept in touch with."),
                    ("Ziedotājiem pateicamies un ziņojam.", "Donors are thanked and informed."),
                    (
                        "Ir ziedotāju programma un regulāri atbalstītāji.",
                        "There is a donor programme with regular supporters.",
                    ),
                ),
                ("", ""),
            ),
        ],
    ),
    (
        "projects",
        ("Projektu vadība", "Project management"),
        [
            (
                ("Kā projekti tiek plānoti?", "How are projects planned?"),
                (
                    ("Bez plāna.", "Without a plan."),
                    (
                        "Plāns ir pieteikumā, ikdienā to neizmanto.",
                        "The plan is in the application; it is not used day to day.",
                    ),
                    (
                        "Ir laika grafiks, uzdevumi un atbildīgie.",
                        "There is a timetable, tasks and who is responsible.",
                    ),
                    (
                        "Plānu regulāri pārskata un risku vada.",
                        "The plan is reviewed regularly and risks are managed.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Kā tiek sekots projekta izpildei un atskaitēm?",
                    "How are delivery and reporting followed?",
                ),
                (
                    ("Atskaites kavējas vai netiek iesniegtas.", "Reports are late or missing."),
                    ("Atskaites iesniedz, bet ar steigu.", "Reports are filed, in a rush."),
                    (
                        "Izpildi seko, atskaites laikā.",
                        "Delivery is followed; reports are on time.",
                    ),
                    (
                        "Rezultātus izvērtē un mācās no tiem.",
                        "Results are evaluated and learned from.",
                    ),
                ),
                (
                    "Sagatavojiet atskaišu kalendāru katram projektam.",
                    "Keep a reporting calendar for every project.",
                ),
            ),
            (
                (
                    "Vai vairāki cilvēki prot vadīt projektu?",
                    "Can more than one person run a project?",
                ),
                (
                    ("Neviens nav vadījis projektu.", "No one has run a project."),
                    ("Prot tikai viens cilvēks.", "Only one person can."),
                    ("Prot divi vai trīs cilvēki.", "Two or three people can."),
                    (
                        "Zināšanas nodod jaunajiem vadītājiem.",
                        "Knowledge is passed on to new project leaders.",
                    ),
                ),
                ("", ""),
            ),
        ],
    ),
    (
        "people",
        ("Cilvēki un brīvprātīgie", "People and volunteers"),
        [
            (
                (
                    "Vai ir pietiekami daudz cilvēku darba veikšanai?",
                    "Are there enough people to do the work?",
                ),
                (
                    ("Visu dara viens vai divi cilvēki.", "One or two people do everything."),
                    (
                        "Ir neliela komanda, bieži pārslogota.",
                        "There is a small team, often overloaded.",
                    ),
                    ("Komanda atbilst darba apjomam.", "The team fits the workload."),
                    (
                        "Komanda aug, ir aizvietošanas iespējas.",
                        "The team is growing and people can stand in for each other.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Kā tiek piesaistīti un atbalstīti brīvprātīgie?",
                    "How are volunteers found and supported?",
                ),
                (
                    ("Brīvprātīgo nav.", "There are no volunteers."),
                    ("Brīvprātīgie nāk nejauši.", "Volunteers come by chance."),
                    (
                        "Brīvprātīgos apzināti piesaista un ievada darbā.",
                        "Volunteers are recruited and introduced to the work.",
                    ),
                    (
                        "Ir brīvprātīgo programma ar atzinību un mācībām.",
                        "There is a volunteer programme with recognition and training.",
                    ),
                ),
                (
                    "Izmantojiet brīvprātīgā darba līguma veidni.",
                    "Use a template for volunteering agreements.",
                ),
            ),
            (
                ("Vai cilvēki mācās un attīstās?", "Do people learn and develop?"),
                (
                    ("Mācībām nav laika.", "There is no time for learning."),
                    ("Mācās pēc pašu iniciatīvas.", "People learn on their own initiative."),
                    ("Mācības plāno pēc vajadzībām.", "Training is planned on needs."),
                    ("Ir attīstības plāns katram cilvēkam.", "Each person has a development plan."),
                ),
                ("", ""),
            ),
        ],
    ),
    (
        "communication",
        ("Komunikācija un atpazīstamība", "Communication and visibility"),
        [
            (
                (
                    "Vai ir skaidrs vēstījums par to, ko darāt?",
                    "Is there a clear message about what you do?",
                ),
                (
                    ("Vēstījuma nav.", "There is no message."),
                    ("Katrs stāsta savādāk.", "Everyone tells it differently."),
                    (
                        "Ir kopīgs īss apraksts un vizuālā identitāte.",
                        "There is a shared short description and a visual identity.",
                    ),
                    (
                        "Vēstījums pielāgots katrai auditorijai.",
                        "The message is adapted to each audience.",
                    ),
                ),
                (
                    "Uzrakstiet organizācijas aprakstu vienā teikumā.",
                    "Write the organisation's description in one sentence.",
                ),
            ),
            (
                (
                    "Kā lietojat tīmekļvietni un sociālos tīklus?",
                    "How do you use the website and social media?",
                ),
                (
                    ("Nav vai netiek atjaunoti.", "There are none, or they are not updated."),
                    ("Publicējam neregulāri.", "We post irregularly."),
                    ("Publicējam regulāri pēc plāna.", "We post regularly, to a plan."),
                    (
                        "Sekojam rezultātiem un uzlabojam saturu.",
                        "We follow the results and improve the content.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai par jums raksta mediji un zina pašvaldība?",
                    "Do the media and the municipality know about you?",
                ),
                (
                    ("Nezina.", "They do not."),
                    (
                        "Reizēm, ar personīgiem kontaktiem.",
                        "Now and then, through personal contacts.",
                    ),
                    (
                        "Regulāri informējam medijus un pašvaldību.",
                        "We inform the media and the municipality regularly.",
                    ),
                    ("Mūs aicina kā ekspertus savā jomā.", "We are asked as experts in our field."),
                ),
                ("Sagatavojiet preses relīzes veidni.", "Prepare a press release template."),
            ),
        ],
    ),
    (
        "partnerships",
        ("Partnerības un kopiena", "Partnerships and community"),
        [
            (
                (
                    "Vai sadarbojaties ar citām organizācijām?",
                    "Do you work with other organisations?",
                ),
                (
                    ("Nesadarbojamies.", "We do not."),
                    ("Sadarbojamies gadījuma rakstura.", "We work together occasionally."),
                    (
                        "Ir pastāvīgi partneri kopīgos projektos.",
                        "There are steady partners in joint projects.",
                    ),
                    (
                        "Vadām vai koordinējam partnerību tīklu.",
                        "We lead or coordinate a network of partners.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai sadarbojaties ar pašvaldību un uzņēmumiem?",
                    "Do you work with the municipality and businesses?",
                ),
                (
                    ("Nē.", "No."),
                    ("Tikai pieprasām atbalstu.", "We only ask for support."),
                    (
                        "Ir kopīgas aktivitātes vai līgumi.",
                        "There are joint activities or agreements.",
                    ),
                    (
                        "Esam uzticams partneris politikas un pakalpojumu veidošanā.",
                        "We are a trusted partner in shaping policies and services.",
                    ),
                ),
                (
                    "Iepazīstieties ar pašvaldības NVO atbalsta programmām.",
                    "Get to know the municipality's NGO support programmes.",
                ),
            ),
            (
                (
                    "Vai kopiena, kurai strādājat, piedalās?",
                    "Does the community you serve take part?",
                ),
                (
                    ("Kopiena ir tikai saņēmēja.", "The community only receives."),
                    ("Reizēm jautājam viedokli.", "We sometimes ask for opinions."),
                    ("Kopiena piedalās plānošanā.", "The community takes part in planning."),
                    (
                        "Kopienas cilvēki vada aktivitātes.",
                        "People of the community lead activities.",
                    ),
                ),
                ("", ""),
            ),
        ],
    ),
    (
        "digital",
        ("Digitālie rīki", "Digital tools"),
        [
            (
                ("Kā tiek glabāti dokumenti un dati?", "How are documents and data kept?"),
                (
                    ("Katra datorā, bez kopijām.", "On each person's computer, without backups."),
                    ("Daļēji kopīgā mapē.", "Partly in a shared folder."),
                    (
                        "Kopīga mākoņkrātuve ar piekļuves tiesībām.",
                        "A shared cloud storage with access rights.",
                    ),
                    (
                        "Sakārtota sistēma ar rezerves kopijām un kārtību.",
                        "An orderly system with backups and rules.",
                    ),
                ),
                ("", ""),
            ),
            (
                (
                    "Vai lietojat rīkus saziņai un darba plānošanai?",
                    "Do you use tools to communicate and plan the work?",
                ),
                (
                    ("Tikai e-pasts un telefons.", "Email and phone only."),
                    ("Dažādi rīki, katram savs.", "Different tools, each their own."),
                    ("Kopīgi rīki visai komandai.", "Shared tools for the whole team."),
                    (
                        "Rīki ir sasaistīti un atvieglo darbu.",
                        "The tools are connected and make the work easier.",
                    ),
                ),
                ("Izvēlieties vienu kopīgu uzdevumu sarakstu.", "Choose one shared task list."),
            ),
            (
                (
                    "Vai prot droši rīkoties ar personas datiem tiešsaistē?",
                    "Do you handle personal data online safely?",
                ),
                (
                    ("Par to nedomājam.", "We do not think about it."),
                    (
                        "Zinām noteikumus, bet neievērojam visus.",
                        "We know the rules but do not follow them all.",
                    ),
                    (
                        "Ievērojam noteikumus, paroles ir drošas.",
                        "We follow the rules; passwords are safe.",
                    ),
                    (
                        "Regulāri pārbaudām un mācām drošību.",
                        "We check and teach safety regularly.",
                    ),
                ),
                (
                    "Ieslēdziet divu faktoru autentifikāciju visiem kontiem.",
                    "Turn on two-factor authentication for every account.",
                ),
            ),
        ],
    ),
]
