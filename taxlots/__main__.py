from taxlots.cli import main

main()
