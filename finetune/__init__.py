"""Fine-tuning: datasets, LoRA/QLoRA SFT, DPO, small classifiers."""
