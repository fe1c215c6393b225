"""Demo data: the two demo mentors' profiles."""

from incubator.models import PriorityField

from .models import MentorProfile

PROFILES = {
    "mentor1@demo.lv": (
        "Finanšu plānošana, projektu pieteikumi ES un valsts fondiem, budžeta sagatavošana.",
        ["it", "environment", "social"],
        4,
        "Otrdienās un ceturtdienās pēcpusdienā, klātienē Liepājā vai tiešsaistē.",
    ),
    "mentor2@demo.lv": (
        "Komunikācija un sabiedriskās attiecības, brīvprātīgo piesaiste, kopienas veidošana.",
        ["culture", "youth"],
        3,
        "Pirmdienās un trešdienās, tiešsaistē.",
    ),
}


def seed(demo):
    fields = {field.code: field for field in PriorityField.objects.all()}
    for user in demo.mentors:
        expertise, codes, capacity, availability = PROFILES[user.email]
        profile, created = MentorProfile.objects.get_or_create(
            user=user,
            defaults={"expertise": expertise, "capacity": capacity, "availability": availability},
        )
        if created:
            profile.priority_fields.set([fields[code] for code in codes if code in fields])
    demo.log.append(f"{len(demo.mentors)} mentor profiles")
