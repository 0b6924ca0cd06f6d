"""Name pools for synthetic people, with a realistic frequency skew.

Surnames are listed roughly by frequency so that a few (Hernández, García, Martínez) are very
common and a long tail is rare: that skew is what makes name-only matching unreliable and forces
resolution to use birth dates and identifiers. Every combination is random: no real person.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------- surnames
# Most frequent Mexican / Central American surnames first (weights fall off like a power law).
HISPANIC_SURNAMES: tuple[str, ...] = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
    "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina",
    "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Rojas", "Contreras", "Salazar", "Luna",
    "Ortega", "Guerrero", "Santiago", "Estrada", "Bautista", "Cortés", "Soto", "Alvarado",
    "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Silva", "Delgado", "Vega", "Márquez",
    "Sandoval", "Carrillo", "León", "Mejía", "Solís", "Rosas", "Ibarra", "Valdez", "Núñez",
    "Campos", "Santos", "Camacho", "Navarro", "Peña", "Maldonado", "Rosales", "Acosta", "Miranda",
    "Trejo", "Valencia", "Nava", "Pacheco", "Robles", "Molina", "Rangel", "Fuentes", "Huerta",
    "Padilla", "Espinosa", "Cabrera", "Ayala", "Salinas", "Fernández", "Orozco", "Calderón",
    "Zamora", "Galván", "Cisneros", "Lozano", "Villanueva", "Aguirre", "Montes", "Escobar",
    "Serrano", "Pineda", "Ochoa", "Arellano", "Velasco", "Villegas", "Rubio", "Zúñiga", "Osorio",
    "Benítez", "Quintero", "Barrera", "Meza", "Cárdenas", "Beltrán", "Tapia", "Ponce", "Arias",
    "Avendaño", "Galindo", "Figueroa", "Sosa", "Cano", "Leyva", "Villarreal", "Duarte", "Olvera",
    "Zavala", "Esquivel", "Bravo", "Palacios", "Barajas", "Cuevas", "Quiroz", "Montoya", "Vera",
    "Sierra", "Arroyo", "Ventura", "Trujillo", "Franco", "Mora", "Paredes", "Lugo", "Hidalgo",
    "Tovar", "Corona", "Monroy", "Escamilla", "Bermúdez", "Carmona", "Mata", "Coronado",
    "Zepeda", "Gallegos", "Valle", "Rivas", "Jaramillo", "Aguilera", "Saldaña", "Nieto",
    "Quintana", "Bernal", "Mondragón", "Cuéllar", "Salgado", "Godínez", "Patiño", "Gallardo",
    "Téllez", "Ordóñez", "Arteaga", "Cázares", "Villalobos", "Rendón", "Bañuelos", "Anaya",
    "Montiel", "Tamayo", "Zaragoza", "Alcántara", "Urbina", "Bolaños", "Argueta", "Orellana",
    "Portillo", "Menjívar", "Alfaro", "Hernández de la Cruz", "de la Cruz", "de León",
    "del Ángel", "de la Rosa", "de los Santos", "Ponce de León", "Montes de Oca", "Sáenz",
    "Villaseñor", "Echeverría", "Ybarra", "Garza", "Treviño", "Cantú", "Elizondo", "Leal",
    "Cavazos", "Guajardo", "Chapa", "Zapata", "Tello", "Pantoja", "Ledesma", "Valadez",
    "Xicohténcatl", "Cuauhtle", "Tlapale", "Mixcóatl", "Tepale", "Itzá", "Canché", "Pech",
    "Chan", "Uc", "Ek", "Poot", "Cocom", "Noh", "Cauich", "Tzec", "Cituk", "Yam",
)
# K'iche', Mam and Q'eqchi' surnames from western Guatemala, spelled inconsistently in records.
INDIGENOUS_SURNAMES: tuple[str, ...] = (
    "Tzul", "Ixcoy", "Tzoc", "Xicará", "Cumes", "Sicán", "Ajanel", "Coyoy", "Tum", "Chitay",
    "Ixcot", "Batz", "Us", "Chiquín", "Xol", "Caal", "Choc", "Pop", "Bol", "Tiul", "Coc",
    "Maquín", "Cux", "Yac", "Tzunux", "Quemé",
)
# Spelling variants of indigenous surnames that different clerks write down.
INDIGENOUS_VARIANTS: dict[str, tuple[str, ...]] = {
    "Tzul": ("Tsul", "Sul"),
    "Ixcoy": ("Ixcoi", "Ixkoy"),
    "Xicará": ("Xicara", "Chicará"),
    "Ajanel": ("Ajanel", "Ajaneel"),
    "Caal": ("Cal",),
    "Tzunux": ("Tzunun", "Sunux"),
    "Chiquín": ("Chiquin", "Chikin"),
    "Cux": ("Cuj",),
    "Tzoc": ("Tzok", "Tsoc"),
}
ANGLO_SURNAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
    "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox",
    "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Hughes", "Price",
    "Sanders", "Myers", "Long", "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell",
    "Sullivan", "Fisher", "Hamilton", "Graham", "McDonald", "O'Brien", "Hoffman", "Schmidt",
)

# --------------------------------------------------------------------------- given names
MALE_GIVEN: tuple[str, ...] = (
    "José", "Juan", "Luis", "Jesús", "Miguel", "Francisco", "Carlos", "Antonio", "Alejandro",
    "Pedro", "Manuel", "Jorge", "Fernando", "Ricardo", "Roberto", "Eduardo", "Javier", "Rafael",
    "Daniel", "Mario", "Sergio", "Arturo", "Raúl", "Enrique", "Alberto", "Ramón", "Óscar",
    "Víctor", "Héctor", "Salvador", "Guillermo", "Ignacio", "Gerardo", "Rubén", "Marco Antonio",
    "Gustavo", "Alfonso", "Armando", "Martín", "Hugo", "Santiago", "Gregorio", "Gonzalo",
    "Refugio", "Humberto", "Gilberto", "Rodolfo", "Adolfo", "Vicente", "Lorenzo", "Leonardo",
    "Andrés", "Felipe", "Ángel", "Abel", "Efraín", "Isidro", "Lucio", "Nicolás", "Tomás",
    "Cristian", "Brayan", "Kevin", "Édgar", "Wilmer", "Élmer", "Nelson", "Byron", "Selvin",
    "Bernabé", "Anastasio", "Benjamín", "Alfredo", "Ernesto", "Julio César", "Rigoberto",
    "Baltazar", "Cuauhtémoc", "Heriberto", "Norberto", "Edmundo", "Raymundo",
)
MALE_COMPOUND: tuple[str, ...] = (
    "José Luis", "Juan Carlos", "José de Jesús", "José Antonio", "Juan Manuel", "Miguel Ángel",
    "José Manuel", "Juan José", "Luis Alberto", "José Guadalupe", "Jesús Alberto", "Juan Pablo",
    "José María", "Francisco Javier", "Luis Fernando", "José Alfredo", "Juan Francisco",
    "Carlos Alberto", "José Eduardo", "José Ramón", "Víctor Manuel", "Jorge Luis",
)
FEMALE_GIVEN: tuple[str, ...] = (
    "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Rosa", "Leticia", "Patricia",
    "Elizabeth", "Gabriela", "Alejandra", "Adriana", "Teresa", "Claudia", "Araceli", "Silvia",
    "Sandra", "Mónica", "Laura", "Ana", "Lucía", "Dolores", "Concepción", "Mercedes", "Isabel",
    "Rosario", "Graciela", "Consuelo", "Beatriz", "Alicia", "Josefina", "Carmen", "Pilar",
    "Lourdes", "Esperanza", "Yesenia", "Karla", "Daniela", "Fernanda", "Brenda", "Wendy",
    "Heidy", "Yolanda", "Marta", "Norma", "Hortensia", "Cristina", "Antonia", "Francisca",
    "Ignacia", "Refugio", "Sonia", "Estela", "Irma", "Reyna", "Dulce", "Flor", "Glenda",
    "Sindy", "Xiomara", "Odalis", "Dilcia",
)
FEMALE_COMPOUND: tuple[str, ...] = (
    "María Guadalupe", "María de Jesús", "María del Carmen", "María de los Ángeles",
    "María Elena", "María Luisa", "María Eugenia", "Ana María", "María Isabel", "María Teresa",
    "María de Lourdes", "Rosa María", "Martha Patricia", "María del Rosario", "María José",
    "Juana María", "María Fernanda", "Luz María",
)
ANGLO_MALE: tuple[str, ...] = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason",
    "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin",
)
ANGLO_FEMALE: tuple[str, ...] = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily",
    "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca",
    "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda",
)
ANGLO_MIDDLE: tuple[str, ...] = (
    "Lee", "Ann", "Marie", "Lynn", "Ray", "Allen", "Wayne", "Dean", "Jo", "Michael", "Louise",
    "Elizabeth", "James", "Edward", "Rose", "Grace", "Scott", "Jean",
)

# --------------------------------------------------------------------------- aliases
ALIASES_M: tuple[str, ...] = (
    "El Flaco", "El Gordo", "El Güero", "El Chino", "El Negro", "El Chapo", "El Compa",
    "El Primo", "El Tío", "El Pelón", "El Cholo", "El Greñas", "El Mudo", "El Zurdo",
    "El Tigre", "El Gallo", "El Lobo", "El Chaparro", "El Cuervo", "El Diablo", "El Pollo",
    "El Licenciado", "El Ingeniero", "El Profe", "El Doctor", "El Señor", "El Viejo",
    "El Chamaco", "El Morro", "El Huero", "El Jarocho", "El Norteño", "El Guacho", "El Costeño",
    "El Catracho", "El Chapín", "El Guanaco", "El Tapatío", "El Mono", "El Topo", "El Alacrán",
    "El Coyote", "El Pariente", "El Vaquero", "El Ranchero", "Don Chuy", "Don Beto", "El 40",
    "El R1", "El Calaca", "El Tejón", "El Cachorro", "El Toro", "El Güicho", "El Pato",
)
ALIASES_F: tuple[str, ...] = (
    "La Güera", "La Flaca", "La Gorda", "La Chata", "La Tía", "La Prima", "La Jefa",
    "La Chaparra", "La Morena", "La Madrina", "La Doña", "La Comadre", "La Negra", "La Pelona",
)


def _power_weights(n: int, exponent: float, offset: int = 3) -> list[float]:
    """Zipf-like weights; the offset flattens the head so the top name is ~5%, not 15%."""
    return [1.0 / ((rank + offset) ** exponent) for rank in range(1, n + 1)]


@dataclass(frozen=True)
class WeightedPool:
    """Values with cumulative weights: one bisect per draw (fast and deterministic)."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def build(cls, values: Sequence[str], weights: Sequence[float]) -> WeightedPool:
        return cls(tuple(values), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        x = rng.random() * self.cumulative[-1]
        return self.values[bisect.bisect_right(self.cumulative, x)]


# Hernández ~5% of surnames, García ~3.5%, then a long power-law tail.
SURNAME_POOL = WeightedPool.build(HISPANIC_SURNAMES, _power_weights(len(HISPANIC_SURNAMES), 1.0))
GT_SURNAME_POOL = WeightedPool.build(
    HISPANIC_SURNAMES + INDIGENOUS_SURNAMES,
    _power_weights(len(HISPANIC_SURNAMES), 1.0) + [0.012] * len(INDIGENOUS_SURNAMES),
)
ANGLO_SURNAME_POOL = WeightedPool.build(ANGLO_SURNAMES, _power_weights(len(ANGLO_SURNAMES), 0.7))
MALE_POOL = WeightedPool.build(
    MALE_GIVEN + MALE_COMPOUND,
    _power_weights(len(MALE_GIVEN), 0.8) + [0.035] * len(MALE_COMPOUND),
)
FEMALE_POOL = WeightedPool.build(
    FEMALE_GIVEN + FEMALE_COMPOUND,
    _power_weights(len(FEMALE_GIVEN), 0.8) + [0.04] * len(FEMALE_COMPOUND),
)
ANGLO_MALE_POOL = WeightedPool.build(ANGLO_MALE, _power_weights(len(ANGLO_MALE), 0.6))
ANGLO_FEMALE_POOL = WeightedPool.build(ANGLO_FEMALE, _power_weights(len(ANGLO_FEMALE), 0.6))


def draw_surname(rng: random.Random, country: str) -> str:
    """A surname for someone born in ``country`` (Guatemalans may carry indigenous surnames)."""
    return (GT_SURNAME_POOL if country == "GT" else SURNAME_POOL).draw(rng)


def draw_given(rng: random.Random, sex: str) -> str:
    return (MALE_POOL if sex == "M" else FEMALE_POOL).draw(rng)


def draw_anglo(rng: random.Random, sex: str) -> tuple[str, str | None, str]:
    """(given, middle or None, surname) for a US Anglo person."""
    given = (ANGLO_MALE_POOL if sex == "M" else ANGLO_FEMALE_POOL).draw(rng)
    middle = rng.choice(ANGLO_MIDDLE) if rng.random() < 0.6 else None
    return given, middle, ANGLO_SURNAME_POOL.draw(rng)


def draw_alias(rng: random.Random, sex: str) -> str:
    return rng.choice(ALIASES_M if sex == "M" else ALIASES_F)
