from compiler.commands.main import main

main()
