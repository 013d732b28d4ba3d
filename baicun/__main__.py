from baicun.cli import main

main()
