//! The clients' side of the world: Jepsen-style clients send requests, follow redirects, retry
//! on timeouts with the same request number, and give up (an unknown outcome) after the
//! operation timeout. Every operation is recorded in the history the linearizability check reads.

use crate::check::history::Outcome;
use crate::raft::{ClientReply, Command, Input, NodeId, Op, OpResult, ReplyOutcome};

use super::{Event, Phase, World};

impl World {
    pub(super) fn on_request(&mut self, id: NodeId, incarnation: u32, command: Command) {
        assert!(command.client >= 1 && command.seq >= 1, "requests come from clients, numbered from 1");
        let server = self.server(id);
        if server.node.is_none() || server.incarnation != incarnation {
            return;
        }
        self.step_node(id, Input::ClientRequest(command));
    }

    pub(super) fn send_request(&mut self, client: u32) {
        let client_state = &mut self.clients[client as usize];
        let pending = client_state.pending.as_mut().expect("an operation is outstanding");
        pending.attempt += 1;
        let (attempt, command, node) = (pending.attempt, pending.command.clone(), client_state.target);
        assert!(node >= 1 && node <= self.scenario.nodes, "a client aims at a node of the cluster");
        let incarnation = self.server(node).incarnation;
        let delay = self.network.latency_us(&mut self.streams.network);
        self.queue.push(self.now_us + delay, Event::Request { node, incarnation, command });
        let timeout = self.scenario.workload.attempt_timeout_us;
        self.queue.push(self.now_us + timeout, Event::ClientTimeout { client, attempt });
    }

    pub(super) fn on_client_issue(&mut self, client: u32) {
        if self.phase == Phase::Finished || self.clients[client as usize].pending.is_some() {
            return;
        }
        let op = self.clients[client as usize].draw_op(&mut self.streams.clients, &self.scenario.workload);
        self.start_op(client, op);
    }

    /// Starts client `client`'s next operation: it has none outstanding (one at a time, as Jepsen's
    /// clients), and the history records the invocation now.
    pub(super) fn start_op(&mut self, client: u32, op: Op) {
        assert!(self.clients[client as usize].pending.is_none(), "one operation at a time per client");
        let process = self.clients[client as usize].process;
        let position = self.history.invoke(client, process, op.clone(), self.now_us);
        let deadline = self.now_us + self.scenario.workload.op_timeout_us;
        self.clients[client as usize].start(op, position, deadline);
        self.send_request(client);
    }

    pub(super) fn on_reply(&mut self, client: u32, reply: ClientReply) {
        assert_eq!(reply.client, u64::from(client) + 1, "a reply reaches the client that asked");
        let client_state = &mut self.clients[client as usize];
        let Some(pending) = &client_state.pending else { return };
        if pending.command.seq != reply.seq {
            return;
        }
        match reply.outcome {
            ReplyOutcome::Ok(result) => self.finish_op(client, result),
            ReplyOutcome::NotLeader { leader_hint } => {
                match leader_hint {
                    Some(leader) => client_state.target = leader,
                    None => client_state.try_next_node(self.scenario.nodes),
                }
                self.send_request(client);
            }
        }
    }

    pub(super) fn finish_op(&mut self, client: u32, result: OpResult) {
        let client_state = &mut self.clients[client as usize];
        let pending = client_state.pending.take().expect("checked by the caller");
        let value = match &result {
            OpResult::Value(value) => value.as_ref(),
            _ => None,
        };
        let cas_applied = !matches!(result, OpResult::CasResult(false));
        if cas_applied {
            client_state.observe(&pending.command.op, value);
        }
        let invoked = &self.history.ops[pending.history_position];
        assert_eq!(invoked.outcome, Outcome::Pending, "an operation completes once");
        let invoked_us = invoked.invoke_us;
        self.telemetry.op_latency_us.record(self.now_us - invoked_us);
        self.history.complete(pending.history_position, Outcome::Ok { result, complete_us: self.now_us });
        self.schedule_next_op(client);
    }

    pub(super) fn schedule_next_op(&mut self, client: u32) {
        if self.clients[client as usize].one_off {
            return;
        }
        let think = self.think_time_us();
        self.queue.push(self.now_us + think, Event::ClientIssue { client });
    }

    pub(super) fn on_client_timeout(&mut self, client: u32, attempt: u32) {
        let nodes = self.scenario.nodes;
        let client_state = &mut self.clients[client as usize];
        let Some(pending) = &client_state.pending else { return };
        if pending.attempt != attempt {
            return;
        }
        if self.now_us < pending.deadline_us {
            client_state.try_next_node(nodes);
            self.send_request(client);
            return;
        }
        let pending = client_state.pending.take().expect("checked");
        assert!(self.history.ops[pending.history_position].outcome == Outcome::Pending, "a client gives up once");
        client_state.process = self.process_next;
        self.process_next += 1;
        self.history.complete(pending.history_position, Outcome::Unknown { gave_up_us: self.now_us });
        self.schedule_next_op(client);
    }
}
