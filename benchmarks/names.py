"""Names, birth years and addresses for generated households (benchmarks/generate_households.py), as varied as the
households of a Dutch city: Dutch, Moroccan, Turkish, Surinamese, Antillean, Polish, Syrian, Somali, Eritrean and
Ukrainian given names and surnames, each list ordered from common to rare and picked Zipf-like, so that the
common names are common; a long tail of surnames is composed from parts, as real surnames are many.

Only for test data: the lists are written by hand, no register was used."""
import bisect
import itertools
import random
from dataclasses import dataclass

# Each group: (share of households, surnames, male given names, female given names), most common first.
_NL_SURNAMES = """De Jong, Jansen, De Vries, Van den Berg, Van Dijk, Bakker, Janssen, Visser, Smit, Meijer, De Boer,
Mulder, De Groot, Bos, Vos, Peters, Hendriks, Van Leeuwen, Dekker, Brouwer, De Wit, Dijkstra, Smits, De Graaf,
Van der Meer, Van der Linden, Kok, Jacobs, De Haan, Vermeulen, Van den Heuvel, Van der Veen, Van den Broek,
De Bruijn, De Bruin, Van der Heijden, Schouten, Van Beek, Willems, Van Vliet, Van de Ven, Hoekstra, Maas,
Verhoeven, Koster, Van Dam, Van der Wal, Prins, Blom, Huisman, Peeters, De Jonge, Kuipers, Van Veen, Post, Kuiper,
Veenstra, Kramer, Van den Brink, Scholten, Van Wijk, Postma, Martens, Vink, De Ruiter, Timmermans, Groen,
Gerritsen, Jonker, Van Loon, Boer, Van der Velde, Willemsen, Smeets, De Lange, De Vos, Bosch, Van Dongen,
Schipper, De Koning, Van der Laan, Koning, Van der Velden, Driessen, Van Doorn, Hermans, Evers, Van den Bosch,
Van der Meulen, Hofman, Bosman, Wolters, Sanders, Van der Horst, Mol, Kuijpers, Molenaar, Van de Pol, De Leeuw,
Verbeek, Zijlstra, Brink, Bouwman, Wijnands, Terpstra, Hoogendoorn, Dirks, Van Rijn, Van Es, Bruins, Aarts,
Wouters, Jongsma, Mertens, Sijbrandij, Roelofs, Hoogland, Claassen, Nijhuis, Lammers, Ten Brink, Van Ommen,
Van Hulst, Boersma, Hoekman, Vrolijk, Siemons, Slot, Borst, Ouwehand"""
_NL_MEN = """Daan, Sem, Lucas, Levi, Finn, Milan, Noah, Luuk, Jesse, Thijs, Bram, Lars, Tim, Ruben, Thomas, Stijn, Jan,
Pieter, Kees, Henk, Peter, Mark, Dennis, Jeroen, Martijn, Bas, Niels, Rob, Erik, Sander, Marco, Michel, Patrick,
Richard, Robert, Wim, Gerrit, Hans, Johan, Frank, Sjoerd, Wouter, Joost, Koen, Tom, Rick, Kevin, Mike, Jasper,
Joris, Gijs, Sven, Jelle, Hidde, Teun, Mees, Julian, Sam, Max, Ties, Jens, Rens, Siem, Boaz, Jurre, Olivier,
Floris, Willem, Hugo, Jim, Arjen, Remco, Vincent, Edwin, Ronald, Maarten, Ivo, Youri, Wessel, Stefan"""
_NL_WOMEN = """Emma, Julia, Sophie, Tess, Anna, Zoë, Sara, Eva, Fenna, Lotte, Noor, Lisa, Saar, Mila, Nora, Evi, Sanne,
Lieke, Femke, Anouk, Kim, Linda, Marieke, Ingrid, Monique, Petra, Sandra, Esther, Marloes, Ilse, Iris, Maud, Roos,
Fleur, Isa, Jasmijn, Liv, Yara, Nina, Elin, Hanna, Lynn, Romy, Britt, Sterre, Floor, Willemijn, Annemiek, Joke,
Wilma, Mieke, Manon, Chantal, Daphne, Debby, Kirsten, Merel, Naomi, Renate, Suzanne, Vera, Wendy, Yvonne, Bregje"""
_MA_SURNAMES = """El Idrissi, El Amrani, Benali, El Khattabi, Bouzid, El Haddouchi, Ait Taleb, Boukhari, El Ouali,
Azzouzi, Benhaddou, Bakkali, Chaoui, Ouahabi, El Hamdaoui, Touzani, Belhaj, Marzouki, El Bouazzaoui, Rahmouni,
Lamrani, Zaari, El Mokhtari, Ziani, Boussaid, El Azzouzi, Ait Ali, Amrani, El Fassi, Tahiri, Hamdaoui, Benjelloun,
Ouazzani, Saidi, Kaddouri, Ouarrak, El Morabit, Bouali, Essafi, Chakir, Bennani, Berrada, El Alami, Haddou,
Moussaoui, El Youssfi, Bouhaddi, Abarkan, El Kaddouri, Aouragh, Akrouh, Bouchtaoui, El Ghazaoui, Ouchan"""
_MA_MEN = """Mohammed, Ahmed, Youssef, Mustafa, Abdelkader, Hassan, Karim, Rachid, Said, Omar, Ali, Brahim, Khalid,
Hamza, Ayoub, Bilal, Adam, Amine, Ilias, Anas, Zakaria, Soufiane, Nabil, Abdel, Driss, Yassine, Mehdi, Redouan,
Mourad, Hicham, Abdelaziz, Nourdin, Tarik, Jamal"""
_MA_WOMEN = """Fatima, Khadija, Aicha, Naima, Malika, Samira, Nadia, Latifa, Rachida, Amira, Yasmina, Salma, Meryem,
Hajar, Imane, Nora, Sara, Ikram, Soumaya, Hafsa, Loubna, Zineb, Houda, Souad, Saida, Fatiha, Layla, Nisrine,
Asmae, Hanane, Siham, Karima"""
_TR_SURNAMES = """Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç,
Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Özcan, Korkmaz, Çakır, Erdoğan, Yavuz, Can, Acar, Şen, Aktaş,
Güler, Yalçın, Güneş, Bozkurt, Bulut, Keskin, Ünal, Turan, Gül, Özer, Işık, Kaplan, Avcı, Sarı, Tekin, Taş, Köse,
Yüksel, Ateş, Aksoy"""
_TR_MEN = """Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, İsmail, Osman, Yusuf, Murat, Ömer, Ramazan, Halil,
Süleyman, Emre, Burak, Kerem, Efe, Emir, Yiğit, Eren, Arda, Mert, Kaan, Onur, Serkan, Volkan, Cem, Baran"""
_TR_WOMEN = """Fatma, Ayşe, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Zehra, Sultan, Hanife, Merve, Özlem, Yasemin,
Esra, Ebru, Büşra, Derya, Gül, Hülya, Eylül, Defne, Azra, Ecrin, Nehir, Asel, Melek, Sevgi, Tuba, Gülsüm"""
_SR_SURNAMES = """Ramdin, Ramcharan, Mahabier, Jagesar, Sewnath, Ramsaran, Soekhoe, Bihari, Mohan, Ramautar, Kalloe,
Ramkhelawan, Badloe, Baldewsingh, Jhinkoe, Bhagwandin, Sital, Autar, Ramlal, Chotkan, Lachman, Ramdas, Rampersad,
Sardjoe, Wijngaarde, Pinas, Zeegelaar, Sabajo, Linger, Dundas, Vyent, Hoost, Kross, Tjon A Fong, Liauw, Sastro,
Kromo, Kartodikromo, Soemita, Karijopawiro, Amatmoekrim, Nelom, Sedney, Biswamitre"""
_SR_MEN = """Ravi, Rakesh, Sunil, Anand, Vishal, Rajesh, Kiran, Dinesh, Sanjay, Marvin, Romano, Clarence, Ricardo,
Jermaine, Glenn, Urvin, Romeo, Dwight, Ashwin, Navin, Radjesh, Roy, Errol, Stanley, Virgil"""
_SR_WOMEN = """Roshni, Priya, Anjali, Sharda, Reshma, Sunita, Kavita, Shanti, Nirmala, Shirley, Sharon, Melissa,
Natasha, Chantal, Jennifer, Samantha, Shakira, Gina, Jolanda, Xiomara, Angelique, Soraya, Nisha, Asha"""
_AN_SURNAMES = """Martina, Isenia, Rosalia, Francisca, Girigorie, Maduro, Wawoe, Pieternella, Statia, Janga, Doran,
Sambo, Cijntje, Leito, Rojer, Koeiman, Albertus, Everts, Constancia, Zimmerman"""
_AN_MEN = "Giovanni, Ryan, Shurandy, Jurick, Kenrick, Churandy, Jairzinho, Djuric, Rignaldo, Quincy, Sherwin"
_AN_WOMEN = "Jeanette, Sharline, Shurenska, Gisela, Yanuska, Sharenska, Jozaira, Cheryl, Rudelca, Jeudiënne"
_PL_SURNAMES = """Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak,
Dąbrowski, Kozłowski, Jankowski, Mazur, Wojciechowski, Kwiatkowski, Krawczyk, Kaczmarek, Piotrowski, Grabowski,
Zając, Pawłowski, Michalski, Król, Wieczorek, Jabłoński, Wróbel, Nowakowski, Majewski, Olszewski"""
_PL_MEN = """Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Marcin, Michał, Łukasz, Jakub, Kamil, Mateusz, Wojciech,
Grzegorz, Dawid, Adam, Szymon, Filip, Antoni, Bartosz, Przemysław"""
_PL_WOMEN = """Anna, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Magdalena, Joanna, Aleksandra, Monika, Natalia,
Karolina, Zuzanna, Julia, Maja, Zofia, Hanna, Oliwia, Wiktoria, Lena"""
_SY_SURNAMES = """Al-Ahmad, Al-Hassan, Haddad, Khalil, Al-Khatib, Nasser, Darwish, Hamdan, Al-Masri, Saleh, Ibrahim,
Mansour, Al-Ali, Abdullah, Othman, Al-Hussein, Suleiman, Kassem, Hammoud, Al-Sayed, Shaker, Al-Omari"""
_SY_MEN = "Mohammad, Ahmad, Omar, Khaled, Abdullah, Mahmoud, Hussein, Tarek, Rami, Bashar, Sami, Majd, Yazan, Ammar"
_SY_WOMEN = "Fatima, Rasha, Huda, Rana, Lina, Reem, Aya, Nour, Sidra, Hiba, Dima, Bayan, Ghina, Rawan"
_SO_SURNAMES = """Ahmed, Hassan, Abdi, Warsame, Farah, Osman, Mohamud, Hussein, Jama, Aden, Egal, Noor, Ismail, Duale,
Hirsi"""
_SO_MEN = "Abdirahman, Abdullahi, Hamza, Faisal, Liban, Mohamed, Abdikarim, Guled, Mahad, Khadar"
_SO_WOMEN = "Ayaan, Hodan, Sahra, Fadumo, Amina, Hawa, Ifrah, Nimco, Ubah, Deeqa"
_ER_SURNAMES = """Tesfaye, Tekle, Haile, Berhane, Gebremedhin, Ghebreyesus, Kidane, Tesfamariam, Habte, Woldu, Mehari,
Yohannes, Asmerom, Tsegay, Kahsay, Andemariam"""
_ER_MEN = "Filmon, Dawit, Yonas, Samuel, Daniel, Robel, Merhawi, Efrem, Tesfalem, Aron, Biniam, Henok"
_ER_WOMEN = "Senait, Helen, Selam, Semhar, Saba, Mihret, Rahel, Luwam, Yordanos, Winta, Feven, Hiwet"
_UA_SURNAMES = """Melnyk, Shevchenko, Boyko, Kovalenko, Bondarenko, Tkachenko, Kovalchuk, Kravchenko, Oliynyk,
Shevchuk, Koval, Polishchuk, Bondar, Tkachuk, Moroz, Marchenko, Lysenko, Rudenko, Savchenko, Petrenko"""
_UA_MEN = "Oleksandr, Andriy, Dmytro, Serhiy, Volodymyr, Mykola, Ivan, Yuriy, Maksym, Artem, Bohdan, Taras"
_UA_WOMEN = "Olena, Iryna, Natalia, Tetiana, Oksana, Svitlana, Yulia, Anastasia, Kateryna, Sofiia, Viktoriia, Daryna"

# Parts of the long tail: surnames none of the lists above holds, composed as real ones are.
_NL_PREFIXES = ("", "van ", "van de ", "van der ", "van den ", "de ", "ter ", "ten ", "op de ")
_NL_STARTS = """Hol, Wester, Ooster, Zuider, Noorder, Groen, Rood, Zwart, Wit, Lang, Klein, Groot, Hoog, Nieuw, Oud,
Brink, Beek, Berg, Dijk, Hout, Kamp, Meer, Veen, Ven, Wiel, Akker, Blok, Bree, Eik, Es, Heem, Hof, Kerk, Lin, Mole,
Rijs, Schoon, Steen, Vel, Wolf, Zand, Haver, Rog, Tarwe, Koren, Vlas, Hennep, Appel, Peer, Kers, Haze, Vos, Ooie"""
_NL_ENDS = """berg, dijk, veld, hout, bos, kamp, horst, broek, hoek, meer, wijk, laar, heuvel, donk, rade, beek, loo,
man, mans, ink, ing, sma, stra, inga, ema, huis, hof, hoven, kes, ken, land, lo, stein, steeg, ven, weg, werf"""
_TR_ENDS = ("oğlu", "er", "can", "türk", "kan", "soy", "han", "gül", "ay", "taş")
_TR_STARTS = ("Kara", "Ak", "Öz", "Gök", "Ay", "Demir", "Er", "Kaya", "Sarı", "Yıldız", "Tok", "Uz", "Bay", "Tun")
_MA_PREFIXES = ("El ", "Ben ", "Bou", "Ait ", "", "Ouled ")
_MA_ROOTS = """Amrani, Idrissi, Hassani, Alaoui, Mansouri, Ouardi, Yahyaoui, Kabbaj, Tazi, Jabri, Harrak, Fellah,
Hajji, Bakri, Kasmi, Mrabet, Ouali, Rifi, Soussi, Zerouali, Chahbi, Dahmani, Aarab, Mellouki, Baddou"""
_PL_ROOTS = ("Kowal", "Nowo", "Zawad", "Sobie", "Wilk", "Lis", "Sadow", "Malin", "Gor", "Przyby", "Chmiel", "Bor")
_PL_ENDS = ("ski", "czyk", "iak", "ewski", "owski", "ek")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.replace("\n", " ").split(",") if word.strip())


def _tail_nl() -> tuple[str, ...]:
    return tuple(f"{prefix.capitalize()}{start}{end}" for prefix in _NL_PREFIXES for start in _words(_NL_STARTS)
                 for end in _words(_NL_ENDS))


def _tail_ma() -> tuple[str, ...]:
    return tuple(f"{prefix}{root if prefix != 'Bou' else root.lower()}" for prefix in _MA_PREFIXES
                 for root in _words(_MA_ROOTS))


def _tail_tr() -> tuple[str, ...]:
    return tuple(start + end for start in _TR_STARTS for end in _TR_ENDS)


def _tail_pl() -> tuple[str, ...]:
    return tuple(root + end for root in _PL_ROOTS for end in _PL_ENDS)


ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 4  # Zipf-Mandelbrot: 1 / (rank + offset) ** s, so that the first few are not absurdly common
TAIL_SHARE = 0.5  # the share of a group's people whose surname is one of the composed, rarer ones


class Zipf:
    """A Zipf-like pick from a list ordered from common to rare."""

    def __init__(self, items: tuple[str, ...]):
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT
                                                    for rank in range(1, len(items) + 1)))

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def share(self, rank: int) -> float:
        return (self.cumulative[rank] - (self.cumulative[rank - 1] if rank else 0.0)) / self.cumulative[-1]


@dataclass(frozen=True)
class Group:
    name: str
    share: float
    surnames: Zipf
    men: Zipf
    women: Zipf
    tail: tuple[str, ...] = ()

    def surname(self, rng: random.Random) -> str:
        if self.tail and rng.random() < TAIL_SHARE:
            return rng.choice(self.tail)
        return self.surnames.pick(rng)

    def given(self, rng: random.Random, female: bool) -> str:
        return (self.women if female else self.men).pick(rng)


def _group(name, share, surnames, men, women, tail=()):
    return Group(name, share, Zipf(_words(surnames)), Zipf(_words(men)), Zipf(_words(women)), tail)


GROUPS = (
    _group("Dutch", 0.58, _NL_SURNAMES, _NL_MEN, _NL_WOMEN, _tail_nl()),
    _group("Moroccan", 0.10, _MA_SURNAMES, _MA_MEN, _MA_WOMEN, _tail_ma()),
    _group("Turkish", 0.09, _TR_SURNAMES, _TR_MEN, _TR_WOMEN, _tail_tr()),
    _group("Surinamese", 0.07, _SR_SURNAMES, _SR_MEN, _SR_WOMEN),
    _group("Polish", 0.05, _PL_SURNAMES, _PL_MEN, _PL_WOMEN, _tail_pl()),
    _group("Syrian", 0.04, _SY_SURNAMES, _SY_MEN, _SY_WOMEN),
    _group("Antillean", 0.02, _AN_SURNAMES, _AN_MEN, _AN_WOMEN),
    _group("Somali", 0.015, _SO_SURNAMES, _SO_MEN, _SO_WOMEN),
    _group("Eritrean", 0.015, _ER_SURNAMES, _ER_MEN, _ER_WOMEN),
    _group("Ukrainian", 0.02, _UA_SURNAMES, _UA_MEN, _UA_WOMEN),
)
_GROUP_CUMULATIVE = list(itertools.accumulate(group.share for group in GROUPS))


def group(rng: random.Random) -> Group:
    return GROUPS[min(len(GROUPS) - 1, bisect.bisect(_GROUP_CUMULATIVE, rng.random() * _GROUP_CUMULATIVE[-1]))]


# Postcodes: 4 digits (1000-9999) and 2 letters; the letters F, I, O, Q, U and Y are not used, nor SA, SD, SS.
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_PAIRS = tuple(a + b for a in _LETTERS[:8] for b in _LETTERS if a + b not in ("SA", "SD", "SS"))


def postcode(rng: random.Random) -> str:
    """"1074AB"-like: the streets of a town cluster, so the letter pairs mostly start early in the alphabet."""
    return f"{rng.randint(1000, 9999)}{_PAIRS[min(len(_PAIRS) - 1, int(rng.expovariate(1 / 25)))]}"


def house_number(rng: random.Random) -> str:
    number = min(999, int(rng.expovariate(1 / 40)) + 1)
    addition = rng.random()
    return f"{number}{'A' if addition < 0.05 else 'H' if addition < 0.08 else '-2' if addition < 0.1 else ''}"


@dataclass(frozen=True)
class Person:
    name: str
    birth_year: int


@dataclass(frozen=True)
class Household:
    """The people of one generated household: one or two parents (the second perhaps living elsewhere, with
    their own address), children taking the first parent's surname."""

    parents: tuple[Person, ...]
    addresses: tuple[tuple[str, str], ...]  # (postcode, house number) per parent
    children: tuple[Person, ...]
    surname: str


def household(rng: random.Random, parents: int, children: int, this_year: int) -> Household:
    """A household of `parents` parents (1 or 2, aged 24 to 52) and `children` children under 18."""
    origin = group(rng)
    surname = origin.surname(rng)
    father_first = rng.random() < 0.5
    first_born = this_year - rng.randint(24, 52)
    people = [Person(f"{origin.given(rng, not father_first)} {surname}", first_born)]
    addresses = [(postcode(rng), house_number(rng))]
    if parents > 1:
        other = origin if rng.random() < 0.8 else group(rng)
        other_surname = surname if rng.random() < 0.3 else other.surname(rng)
        people.append(Person(f"{other.given(rng, father_first)} {other_surname}", first_born + rng.randint(-6, 6)))
        addresses.append(addresses[0] if rng.random() < 0.6 else (postcode(rng), house_number(rng)))
    youngest_parent = max(person.birth_year for person in people)
    born_from = max(youngest_parent + 18, this_year - 17)  # children under 18, parents 18 or over at the birth
    kids = tuple(Person(f"{origin.given(rng, rng.random() < 0.5)} {surname}", rng.randint(born_from, this_year))
                 for _ in range(children))
    return Household(tuple(people), tuple(addresses), kids, surname)
