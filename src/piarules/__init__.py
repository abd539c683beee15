"""piarules"""
