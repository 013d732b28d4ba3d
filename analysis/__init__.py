"""Analysis of a solved selection: reasons (as codes), rule prices and what-if, infeasibility diagnosis, weight
robustness, the county preview and the outcome that carries them to the reports. Never imported by ``solver``."""
