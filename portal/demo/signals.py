"""The demo's partners' signals, as the wijkagent and the intern begeleider typed them."""
import datetime as dt

from portal import clock
from portal.models import Urgency
from portal.services.signals import Draft, SeenPerson

# Matching reads retention only for closed households, and the demo has none: the default of PORTAL_RETENTION_YEARS.
RETENTION_YEARS = 15


def demo_signals(today: dt.date) -> dict[str, Draft]:
    """What each demo partner sent yesterday evening, by username."""
    evening = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(22, 40), tzinfo=clock.AMSTERDAM)
    return {
        "partner-wijkagent": Draft(
            people=(SeenPerson("Yusuf Elidrissi", today.year - 40),), postcode="1064AB", house_number="12",
            what="Buren belden om 22.40 uur: geschreeuw en gebonk in de woning. Ter plaatse trof ik meneer in de "
                 "hal. Mevrouw zat met de twee kinderen in de slaapkamer. Mevrouw zei: 'Hij sloeg met zijn vuist "
                 "op de deur.' Geen letsel gezien.",
            happened_at=evening, observed_by="wijkagent S. Bakker, ter plaatse", urgency=Urgency.urgent,
            call_back="0900-8844"),
        "partner-school": Draft(
            people=(SeenPerson("Amira Idrisi"),), postcode="", house_number="",
            what="Amira (groep 6) stond dinsdag om 15.45 uur nog alleen bij het hek. Niemand haalde haar op. Zij "
                 "zei: 'Mama moest werken en de buurvrouw kon niet.' Om 16.30 uur haalde haar vader haar op.",
            happened_at=evening - dt.timedelta(days=5, hours=7), observed_by="juf Petra, groep 6",
            urgency=Urgency.normal, call_back="020-555 77 00"),
    }
