//! Who may administer whom: make enrollment codes for an account, disable it, revoke its devices.
//! An admin may for every account; a township supervisor for the grid workers and grid leaders
//! inside the supervisor's own area; nobody else. A disabled actor may do nothing.

use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;

/// The actor or the account acted on: a role and an area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party<'a> {
    pub role: Role,
    pub scope: &'a AreaCode,
}

/// Whether `actor` may make codes for, disable, or revoke the devices of `target`.
pub fn may_administer(actor: &Party<'_>, target: &Party<'_>) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Supervisor => {
            matches!(target.role, Role::GridWorker | Role::GridLeader) && target.scope.is_within(actor.scope)
        }
        Role::GridWorker | Role::GridLeader => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table() {
        let banner = AreaCode::parse("150621").unwrap();
        let township = AreaCode::parse("150621001").unwrap();
        let grid = AreaCode::parse("150621001001001").unwrap();
        let other_grid = AreaCode::parse("150621002001001").unwrap();
        let p = |role, scope| Party { role, scope };
        use Role::*;
        let cases = [
            (p(Admin, &banner), p(GridWorker, &other_grid), true),
            (p(Admin, &banner), p(Supervisor, &township), true),
            (p(Admin, &banner), p(Admin, &banner), true),
            (p(Supervisor, &township), p(GridWorker, &grid), true),
            (p(Supervisor, &township), p(GridLeader, &grid), true),
            (p(Supervisor, &township), p(GridWorker, &other_grid), false),
            (p(Supervisor, &township), p(Supervisor, &township), false),
            (p(Supervisor, &township), p(Admin, &banner), false),
            (p(GridLeader, &grid), p(GridWorker, &grid), false),
            (p(GridWorker, &grid), p(GridWorker, &grid), false),
        ];
        for (actor, target, want) in cases {
            assert_eq!(may_administer(&actor, &target), want, "{actor:?} over {target:?}");
        }
    }
}
