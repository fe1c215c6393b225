"""Spreading reviews over the committee as evenly as the exclusions allow.

Every application needs some more reviewers and may be given only some members
(not one already assigned, in the organisation or with a conflict of interest).
Among the assignments that fill as many of those places as possible, we want one
whose busiest and least busy members differ the least.

The sets of review counts that such assignments can produce form an M-convex set
(a sum, over the applications, of "choose k of these members"), and in an
M-convex set a vector is as even as it gets — smallest maximum, largest minimum,
smallest spread all at once — exactly when no single review can move from a
member to one with at least two fewer (Frank and Murota, "Discrete decreasing
minimization"). So: fill the places, most constrained application first, each
time with the least busy member; then, while a review can move from a busier
member to one with at least two fewer — directly, or along a chain of members
each taking over one application from the next — move it.
"""

from collections import Counter, deque


def balanced(needs, allowed, load):
    """The pairs (application, member) to add.

    ``needs``: {application: how many more reviewers}; ``allowed``: {application:
    members who may be given it, in order of preference for ties}; ``load``:
    {member: reviews they have already}. Members and applications are any
    hashable, orderable-by-position values."""
    load = Counter(load)
    order = {}
    for members in allowed.values():
        for member in members:
            order.setdefault(member, len(order))
    for member in load:
        order.setdefault(member, len(order))
    given = {application: [] for application in needs}
    position = {application: i for i, application in enumerate(needs)}

    def slack(application):
        return (len(allowed.get(application, ())) - needs[application], position[application])

    for application in sorted(needs, key=slack):
        candidates = list(allowed.get(application, ()))
        for _slot in range(min(needs[application], len(candidates))):
            member = min(candidates, key=lambda m: (load[m], order[m]))
            candidates.remove(member)
            given[application].append(member)
            load[member] += 1
    while _move_one(given, allowed, load, order):
        pass
    return [(application, member) for application in needs for member in given[application]]


def _move_one(given, allowed, load, order):
    """Moves one review (along a chain if need be) from a member to one with at
    least two fewer; False when no such move exists."""
    members = sorted(order, key=lambda m: (-load[m], order[m]))
    for start in members:
        path = _chain_from(start, given, allowed, load, order)
        if path is not None:
            for application, leaving, joining in path:
                given[application].remove(leaving)
                given[application].append(joining)
            load[start] -= 1
            load[path[-1][2]] += 1
            return True
    return False


def _chain_from(start, given, allowed, load, order):
    """The shortest chain of hand-overs (application, from member, to member) that
    ends at a member with at least two reviews fewer than ``start``, or None."""
    came_from = {start: None}
    queue = deque([start])
    while queue:
        member = queue.popleft()
        for application, members in given.items():
            if member not in members:
                continue
            for other in allowed.get(application, ()):
                if other in came_from or other in members:
                    continue
                came_from[other] = (application, member)
                if load[other] <= load[start] - 2:
                    return _path_to(other, came_from)
                queue.append(other)
    return None


def _path_to(member, came_from):
    path = []
    while came_from[member] is not None:
        application, previous = came_from[member]
        path.append((application, previous, member))
        member = previous
    return list(reversed(path))
