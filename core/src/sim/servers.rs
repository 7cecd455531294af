//! The world's servers, found by id: a server is put in under its id and taken out by it, so
//! the set of servers may change during a run (membership changes will need it); every walk
//! over them goes in id order, as determinism asks.

use crate::raft::NodeId;

use super::Server;

/// `Servers::place_by_id`'s mark for an id that is no server's: a place past any list.
const ABSENT: u32 = u32::MAX;

/// The servers, by id. Dense: the servers in id order, and for each id its server's place in
/// that list, so that finding a server (several times an event) costs two indexed loads and
/// a walk over them is a walk over a slice.
#[derive(Clone, Debug, Default)]
pub struct Servers {
    /// The servers, in id order.
    list: Vec<Server>,
    /// By id: the place of the server of that id in `list`, or [`ABSENT`].
    place_by_id: Vec<u32>,
}

impl Servers {
    /// Puts `server` in under its id, which no server has yet.
    pub fn insert(&mut self, server: Server) {
        let id = server.id;
        assert!(id >= 1, "ids count from 1");
        assert!(!self.contains(id), "S{id} is a server already");
        let place = self.list.partition_point(|other| other.id < id);
        self.list.insert(place, server);
        self.renumber();
        debug_assert!(self.list.windows(2).all(|pair| pair[0].id < pair[1].id), "servers stay in id order");
    }

    /// Takes the server of id `id` out, if there is one.
    pub fn remove(&mut self, id: NodeId) -> Option<Server> {
        let place = self.place(id)?;
        let server = self.list.remove(place);
        self.renumber();
        assert!(!self.contains(id), "S{id} is gone");
        Some(server)
    }

    /// Rebuilds `place_by_id` from `list` (a server joining or leaving is rare).
    fn renumber(&mut self) {
        let id_max = self.list.last().map_or(0, |server| server.id);
        self.place_by_id.clear();
        self.place_by_id.resize(id_max as usize + 1, ABSENT);
        for (place, server) in self.list.iter().enumerate() {
            self.place_by_id[server.id as usize] = u32::try_from(place).expect("fewer than 2^32 servers");
        }
    }

    /// Where in `list` the server of id `id` is, if anywhere: [`ABSENT`] is past every list, so
    /// `list.get` answers `None` for it without a test of its own.
    #[inline]
    fn place(&self, id: NodeId) -> Option<usize> {
        let place = *self.place_by_id.get(id as usize)? as usize;
        (place < self.list.len()).then_some(place)
    }

    /// The server of id `id`, if there is one.
    #[inline]
    pub fn get(&self, id: NodeId) -> Option<&Server> {
        self.list.get(*self.place_by_id.get(id as usize)? as usize)
    }

    /// The server of id `id`, to change, if there is one.
    #[inline]
    pub fn get_mut(&mut self, id: NodeId) -> Option<&mut Server> {
        self.list.get_mut(*self.place_by_id.get(id as usize)? as usize)
    }

    /// Whether a server has id `id`.
    pub fn contains(&self, id: NodeId) -> bool {
        self.place(id).is_some()
    }

    /// The servers' ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.list.iter().map(|server| server.id)
    }

    /// The servers, in id order.
    pub fn as_slice(&self) -> &[Server] {
        &self.list
    }

    /// The servers, in id order.
    pub fn iter(&self) -> std::slice::Iter<'_, Server> {
        self.list.iter()
    }

    /// The servers, in id order, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Server> {
        self.list.iter_mut()
    }

    /// How many servers there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::World;

    #[test]
    fn servers_are_found_by_id_and_walked_in_id_order_as_they_come_and_go() {
        let world = World::new(Scenario { nodes: 5, ..Scenario::default() }).expect("valid");
        let server = |id: NodeId| Server { id, ..world.server(1).clone() };
        let mut servers = Servers::default();
        for id in [4, 2, 9] {
            servers.insert(server(id));
        }
        assert_eq!(servers.ids().collect::<Vec<_>>(), [2, 4, 9]);
        assert_eq!(servers.get(9).map(|server| server.id), Some(9));
        assert!(servers.get(3).is_none() && servers.get(10).is_none() && servers.get(0).is_none());
        assert_eq!(servers.remove(4).map(|server| server.id), Some(4));
        assert_eq!(servers.remove(4).map(|server| server.id), None);
        servers.insert(server(1));
        assert_eq!(servers.ids().collect::<Vec<_>>(), [1, 2, 9]);
        assert_eq!(servers.as_slice().iter().map(|server| server.id).collect::<Vec<_>>(), [1, 2, 9]);
        assert_eq!((servers.len(), servers.get_mut(2).map(|server| server.id)), (3, Some(2)));
    }
}
