//! Signs a checkpoint at a fixed interval whenever the ledger has grown.

use std::time::Duration;

use cordtrace_ledger::LedgerSigner;
use cordtrace_store::Executor;
use cordtrace_store::ledger::checkpoints;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Starts the signing loop; it ends when `stop` turns true.
pub fn spawn(
    executor: Executor,
    signer: LedgerSigner,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(100)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.wait_for(|stop| *stop) => break,
            }
            sign(&executor, &signer).await;
        }
        // A last checkpoint, so that a clean shutdown leaves every entry signed for.
        sign(&executor, &signer).await;
    })
}

async fn sign(executor: &Executor, signer: &LedgerSigner) {
    match checkpoints::sign(executor, signer.clone()).await {
        Ok(Some(checkpoint)) => {
            tracing::info!(size = checkpoint.size, root = %checkpoint.root, "signed a checkpoint");
        }
        Ok(None) => {}
        Err(error) => {
            metrics::counter!("cordtrace_checkpoint_signing_failures_total").increment(1);
            tracing::error!(error = %error, "could not sign a checkpoint");
        }
    }
}
