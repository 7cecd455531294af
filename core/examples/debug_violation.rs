use raftsim_core::scenario::preset;
use raftsim_core::sim::Simulation;
fn main() {
    let mut scenario = preset("disk-loss-on-crash").unwrap();
    scenario.seed = 2;
    let mut sim = Simulation::new(scenario).unwrap();
    let violation = sim.run_to_end().unwrap();
    println!("{violation}");
    for (i, server) in sim.servers().iter().enumerate() {
        match &server.node {
            Some(node) => println!(
                "node {}: {:?} t{} commit {} durable {} last {} unsynced {} held {}",
                i + 1,
                node.role(),
                node.term(),
                node.commit_index(),
                node.log_index_durable(),
                node.log().last_index(),
                server.disk.unsynced_count(),
                node.held_message_count()
            ),
            None => println!("node {}: down", i + 1),
        }
    }
}
