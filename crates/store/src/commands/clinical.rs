//! Store commands of the clinic: patients, orders, the bedside, follow-up, look-back and recall.
