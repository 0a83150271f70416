"""The imported log's roster: the one given (``--roster``), else what the records say.

Inferred (no roster given): the account is the records' brandId; one site named after
it (records carry no site); groups, skills and agents as the participants, transfers,
interactions and dialogs name them, an agent's skills being those it was assigned on,
its ``max_slots`` the most conversations it held at once (a lower bound: records
carry no capacity), user type bot for userType 2, role manager for role MANAGER.
Given: used as it is, except that agents, skills and groups the records name but the
roster lacks are added (each reported). Either way ``unrecorded_kinds`` gains
:data:`UNRECORDED_KINDS`.
"""

from __future__ import annotations

from dataclasses import replace

from ..eventlog import Agent, Group, Roster, Site, Skill
from ._facts import UNASSIGNED, Facts
from ._problems import Problems
from ._vocab import UNRECORDED_KINDS

__all__ = ["DEFAULT_ACCOUNT", "build_roster"]

#: account of an import whose records name no brand
DEFAULT_ACCOUNT = "liveperson"


def _agent(fact_id: int, facts: Facts, site: str) -> Agent:
    fact = facts.agents[fact_id]
    return Agent(
        id=fact.id,
        name=fact.name,
        user_type="bot" if fact.user_type == "bot" else "human",
        role="manager" if fact.manager else "support",
        group_id=fact.group_id,
        skills=tuple(sorted(fact.skills)),
        sites=(site,),
        max_slots=max(1, fact.most_held),
    )


def build_roster(facts: Facts, given: Roster | None, problems: Problems) -> Roster:
    """The roster of the imported log (module docstring); additions to a given roster
    are reported."""
    unrecorded = tuple(sorted(set(UNRECORDED_KINDS) | set(given.unrecorded_kinds if given else ())))
    if given is None:
        account = facts.brand or DEFAULT_ACCOUNT
        site = account
        known = dict(facts.groups)
        for fact in facts.agents.values():
            known.setdefault(fact.group_id, "Unassigned" if fact.group_id == UNASSIGNED else "")
        return Roster(
            account=account,
            sites=(Site(site, account),),
            groups=tuple(Group(g, n) for g, n in sorted(known.items())),
            skills=tuple(Skill(s, n) for s, n in sorted(facts.skills.items())),
            agents=tuple(_agent(a, facts, site) for a in sorted(facts.agents)),
            bots=(),
            unrecorded_kinds=unrecorded,
        )
    problems.source, problems.conversation_id = "--roster", None
    site = given.sites[0].id if given.sites else given.account
    sites = given.sites or (Site(site, given.account),)
    known_groups = {g.id for g in given.groups}
    groups = list(given.groups)
    for fact in sorted(facts.agents.values(), key=lambda f: f.id):
        if given.agent(fact.id) is None and fact.group_id not in known_groups:
            groups.append(Group(fact.group_id, facts.groups.get(fact.group_id, "")))
            known_groups.add(fact.group_id)
    skills = list(given.skills)
    for sid in sorted(facts.skills):
        if given.skill(sid) is None:
            problems.add("skills", sid, "a skill the records name is not in the roster; added")
            skills.append(Skill(sid, facts.skills[sid]))
    agents = list(given.agents)
    for aid in sorted(facts.agents):
        if given.agent(aid) is None:
            problems.add("agents", aid, "an agent the records name is not in the roster; added")
            agents.append(_agent(aid, facts, site))
    return replace(
        given,
        sites=sites,
        groups=tuple(groups),
        skills=tuple(skills),
        agents=tuple(agents),
        unrecorded_kinds=unrecorded,
    )
